"""Lighthouse's mobile performance score for home, an article and assess/, from a compressing host.

    npm install --no-save --prefix /tmp/lh lighthouse@12
    .venv/bin/python -m generator build --site-dir /tmp/lh-site
    .venv/bin/python bench/lighthouse.py /tmp/lh-site --lighthouse /tmp/lh/node_modules/.bin/lighthouse

The site is served by the benchmark's host (generator/bench_host.py: the .br/.gz copies with
Content-Encoding, as nginx or Caddy send them). Lighthouse runs with its default mobile preset
(slow 4G, 4x CPU slowdown) in headless Chromium ($CHROME_PATH, else /usr/bin/chromium). It prints
one JSON line per page: the score, the metrics behind it, and where the main thread's time went
(bootup-time: scripts by URL; mainthread-work-breakdown: by kind). Lighthouse stays out of
package.json: it is a one-off measurement with 200 packages of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.bench_host import compressing_host  # noqa: E402 - after the path it is found on

METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")
FLAGS = "--headless --no-sandbox --disable-gpu"


def audit(lighthouse: str, url: str, out: Path) -> dict:
    """One Lighthouse run of ``url``: its score, metrics, and the main thread's costliest work."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run([lighthouse, url, "--quiet", "--only-categories=performance", "--output=json", f"--output-path={out}",
                    f"--chrome-flags={FLAGS}"], env=env, check=True, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "url": url,
        "performance": round(report["categories"]["performance"]["score"] * 100),
        **{name: round(audits[name]["numericValue"], 3) for name in METRICS},
        "bootup_ms": {item["url"]: round(item["total"]) for item in audits["bootup-time"]["details"]["items"][:6]},
        "main_thread_ms": {item["groupLabel"]: round(item["duration"]) for item in audits["mainthread-work-breakdown"]["details"]["items"][:6]},
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/lighthouse.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site (python -m generator build --site-dir SITE)")
    parser.add_argument("--lighthouse", default="lighthouse", help="the lighthouse command (default: on PATH)")
    parser.add_argument("--pages", nargs="*", help="paths under the site (default: home, the first article, assess/)")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        print(f"{args.site}:1:1: no index.html here; build the site first (python -m generator build --site-dir {args.site})",
              file=sys.stderr)
        return 2
    pages = args.pages or ["", *[f"articles/{p.parent.name}/" for p in sorted(args.site.glob("articles/*/index.html"))[:1]], "assess/"]
    host = compressing_host(args.site.resolve())
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for index, page in enumerate(pages):
                url = f"http://127.0.0.1:{host.server_port}/{page}"
                print(json.dumps(audit(args.lighthouse, url, Path(scratch) / f"{index}.json")), flush=True)
    finally:
        host.shutdown()
        host.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
