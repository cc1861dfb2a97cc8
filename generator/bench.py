"""Benchmarks that print JSON: ratios against a baseline measured in the same run.

``python -m generator bench assess`` builds the site, adds a bare page that
does nothing but start Pyodide in a worker (the floor no assessment can beat),
and in headless Chromium measures, cold (fresh browser context) and warm
(second visit, same context), the time from navigation to ``ready`` for both,
plus the time of one re-score. Needs the test extra (playwright) and Debian's
chromium (or another, named by the KB_CHROMIUM environment variable).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from .errors import Problem, UserError

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def chromium() -> Path:
    """The Chromium the benchmark and the browser tests drive: $KB_CHROMIUM, else Debian's."""
    return Path(os.environ.get("KB_CHROMIUM") or "/usr/bin/chromium")


_BARE_PAGE = """<!doctype html><meta charset="utf-8"><title>bare Pyodide</title>
<p id="state" data-state="loading">loading</p>
<script type="module">
const worker = new Worker(new URL("bare-worker.js", location.href), { type: "module" });
worker.onmessage = () => { const p = document.getElementById("state"); p.dataset.state = "ready"; p.textContent = "ready"; };
</script>
"""
_BARE_WORKER = """import { loadPyodide } from "../assets/pyodide/pyodide.mjs";
const pyodide = await loadPyodide({ indexURL: new URL("../assets/pyodide/", import.meta.url).href });
pyodide.runPython("1 + 1");
self.postMessage("ready");
"""


def bench_assess(root: Path, runs: int = 5) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise UserError([Problem("pyproject.toml", 1, 1, "the benchmark needs playwright", "pip install -e '.[test]' (make test does it)")]) from None
    from .site.build import build_site
    from .site.serve import make_server

    if not chromium().is_file():
        raise UserError([f"bench: no Chromium at {chromium()}; apt-get update && apt-get install -y chromium, "
                         "or set KB_CHROMIUM to another Chromium's path"])
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as scratch:
        site = Path(scratch) / "site"
        server = make_server(site)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        report = build_site(root, site, site_url=url)
        (site / "bench").mkdir()
        (site / "bench" / "index.html").write_text(_BARE_PAGE)
        (site / "bench" / "bare-worker.js").write_text(_BARE_WORKER)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(chromium()), args=ARGS)
                samples = {key: [] for key in ("bare_cold", "bare_warm", "assess_cold", "assess_warm")}
                rescore: list[float] = []
                for _ in range(runs):
                    for name, path, selector in (("bare", "bench/", "#state[data-state=ready]"),
                                                 ("assess", "assess/", "#kb-assess[data-kb-state=ready]")):
                        context = browser.new_context()
                        page = context.new_page()
                        for visit in ("cold", "warm"):
                            started = time.perf_counter()
                            page.goto(url + path)
                            page.wait_for_selector(selector, state="attached", timeout=60_000)
                            samples[f"{name}_{visit}"].append((time.perf_counter() - started) * 1000)
                        if name == "assess":
                            rescore += _rescore_times(page)
                        context.close()
                browser.close()
        finally:
            server.shutdown()
    medians = {key: round(statistics.median(values), 1) for key, values in samples.items()}
    return {
        "runs": runs,
        "ready_ms": medians,
        "ratio_cold": round(medians["assess_cold"] / medians["bare_cold"], 3),
        "ratio_warm": round(medians["assess_warm"] / medians["bare_warm"], 3),
        "rescore_median_ms": round(statistics.median(rescore), 2),
        "rescore_max_ms": round(max(rescore), 2),
        "bundle_bytes": report.bundle_bytes,
        "targets": {"ratio": 1.15, "rescore_median_ms": 20},
    }


def _rescore_times(page) -> list[float]:
    times = []
    for calls in range(1, 21):
        before = int(page.get_attribute("#kb-assess", "data-kb-scores") or 0)
        page.fill("input[name=sales_calls_per_week]", str(calls))
        page.wait_for_function("n => Number(document.querySelector('#kb-assess').dataset.kbScores || 0) > n", arg=before)
        times.append(float(page.get_attribute("#kb-assess", "data-kb-score-ms")))
    return times


_MEASURE = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
phases = {}
if sys.argv[1] == "ours":
    from generator.site.build import build_site
    report = build_site(Path(sys.argv[2]), Path(sys.argv[3]))
    phases = {"generate": report.generate_seconds, "mkdocs": report.mkdocs_seconds}
else:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    build(load_config(str(Path(sys.argv[2]) / "mkdocs.yml"), site_dir=sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **phases}))
"""


def _measure(mode: str, root: Path, site: Path) -> dict:
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run([sys.executable, "-c", _MEASURE, mode, str(root), str(site)], capture_output=True, text=True, env=env)
    if run.returncode != 0:
        raise UserError([f"benchmark build ({mode}) failed: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else run.returncode}"])
    return json.loads(run.stdout.strip().splitlines()[-1])


def bench_site(root: Path, sizes: tuple[int, ...] = (100, 1000, 5000), repeats: dict[int, int] | None = None) -> dict:
    """Our full build against a bare `mkdocs build` of the tree we generated, for N synthetic articles.

    Each size is built ``repeats[N]`` times (default 3, twice from 5,000 up), ours and bare
    alternating, so that a busy moment of the machine hits both; medians are reported.
    """
    from .synthetic import make_synthetic_kb

    results = []
    for size in sizes:
        times = (repeats or {}).get(size, 3 if size < 5000 else 2)
        with tempfile.TemporaryDirectory(prefix=f"kb-bench-{size}-") as scratch:
            kb = make_synthetic_kb(root, Path(scratch) / "kb", size)
            ours, bare = [], []
            ours.append(_measure("ours", kb, Path(scratch) / "site"))  # first: it leaves the tree bare builds in kb/build/docs
            bare.append(_measure("bare", kb, Path(scratch) / "bare-site"))
            for repeat in range(1, times):  # then alternate who goes first, so neither always meets a warmer cache
                pair = [("ours", ours, "site"), ("bare", bare, "bare-site")]
                for mode, runs, site in pair if repeat % 2 == 0 else reversed(pair):
                    runs.append(_measure(mode, kb, Path(scratch) / site))
            pages = sorted(p.stat().st_size for p in (Path(scratch) / "site").rglob("*.html"))

            def median(runs: list[dict], key: str) -> float:
                return statistics.median(run[key] for run in runs)

            results.append({
                "articles": size,
                "pages": len(pages),
                "runs": times,
                "generate_s": round(median(ours, "generate"), 2),
                "mkdocs_s": round(median(ours, "mkdocs"), 2),
                "ours_s": round(median(ours, "seconds"), 2),
                "bare_mkdocs_s": round(median(bare, "seconds"), 2),
                "ratio_to_bare": round(median(ours, "seconds") / median(bare, "seconds"), 3),
                "median_page_kb": round(statistics.median(pages) / 1024, 1),
                "max_page_kb": round(pages[-1] / 1024, 1),
                "peak_mb": round(max(run["peak_mb"] for run in ours), 1),
            })
    by_size = {r["articles"]: r for r in results}
    scaling = round(by_size[5000]["ours_s"] / by_size[1000]["ours_s"], 2) if {1000, 5000} <= set(by_size) else None
    return {"sizes": results, "time_5000_over_1000": scaling,
            "targets": {"ratio_to_bare": 1.3, "median_page_kb": 25, "time_5000_over_1000": 5.5}}


def main(root: Path, what: str, sizes: tuple[int, ...] = (100, 1000, 5000)) -> str:
    if what == "assess":
        return json.dumps(bench_assess(root), indent=2)
    if what == "site":
        return json.dumps(bench_site(root, sizes), indent=2)
    raise UserError([f"unknown benchmark {what!r}; try: assess, site"])
