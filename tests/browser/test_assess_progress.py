"""Loading on a slow link (the first minute): the real worker (generator/assets/worker.js)
downloads the runtime under Chromium's network throttling; the page's progress bar advances with true byte
counts, then starting is a step of its own, the page says the questions can be answered meanwhile, and a
repeat visit only starts."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import ENGINE_KEPT, attached, wait_until
from tests.browser.test_assess import READY

pytestmark = pytest.mark.browser

MB_PER_S = 2
# Every change of the status box's byte counts, with the bar's value, until the widget is ready: read after every
# change of the document (a mutation observer), not once a frame, where a busy machine's few frames can miss a step.
RECORD = """
window.kbProgress = [];
const sample = () => {
  const root = document.querySelector('#kb-assess');
  const status = document.querySelector('[data-kb=status]');
  // Ready, or the status box already shows the reader's progress through the questions (a moment before ready).
  if ((root && root.dataset.kbState !== 'loading') || (status && status.dataset.phase === 'answering')) {
    observer.disconnect();
    return;
  }
  const bar = document.querySelector('[data-kb=progress]');
  if (status && status.dataset.loaded && bar) {
    const last = window.kbProgress[window.kbProgress.length - 1];
    const note = document.querySelector('[data-kb=loading-note]');
    const now = {loaded: Number(status.dataset.loaded), total: Number(status.dataset.total), value: bar.value, max: bar.max,
                 position: bar.position, phase: status.dataset.phase, text: status.querySelector('.kb-status__text').textContent,
                 note: note ? note.textContent : '', questions: document.querySelectorAll('.kb-form input[name]').length};
    if (!last || ['loaded', 'total', 'phase', 'note'].some((key) => last[key] !== now[key])) window.kbProgress.push(now);
  }
};
const observer = new MutationObserver(sample);
observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""


def test_the_progress_bar_advances_on_a_throttled_link(page, site_url, browser_site):
    files = json.loads((browser_site / "assets" / "kb" / "runtime.json").read_text(encoding="utf-8"))["files"]
    true_size = sum((browser_site / "assets" / "kb" / rel).resolve().stat().st_size for rel in files)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40,
                                                  "downloadThroughput": MB_PER_S * 1_000_000, "uploadThroughput": 500_000})
    page.add_init_script(RECORD)
    page.goto(site_url + "assess/")
    attached(page, READY, timeout=120_000)
    seen = page.evaluate("() => window.kbProgress")
    loads = [s["loaded"] for s in seen]
    print(f"\n[browser] {len(seen)} progress steps at {MB_PER_S} MB/s, total {true_size} bytes")
    assert len(set(loads)) >= 3 and loads == sorted(loads), f"the bar advances: {loads}"
    assert all(s["loaded"] <= s["total"] for s in seen)
    downloading = [s for s in seen if s["phase"] == "downloading"]
    assert all(s["value"] == s["loaded"] and s["max"] == s["total"] for s in downloading), "the bar shows the bytes"
    assert {s["total"] for s in seen} == {true_size}, "the total is the true size the build wrote"
    assert loads[0] < true_size // 2, "progress starts well before the end"
    size = re.search(r"^Step 1 of 2: downloading (\d+\.\d) MB", seen[0]["text"])
    assert size and size.group(1) == f"{true_size / 1e6:.1f}", seen[0]["text"]
    # Then starting, as a step of its own: the bar never stands full under "downloading" while Python starts.
    phases = [s["phase"] for s in seen]
    assert phases[0] == "downloading" and "starting" in phases, phases
    assert phases == sorted(phases, key=["downloading", "starting"].index), f"download, then start: {phases}"
    for s in seen:
        if s["phase"] == "starting":
            assert s["text"].startswith("Step 2 of 2: starting"), s["text"]
            assert s["position"] == -1, "a bar without a value: it moves while Python starts"
        else:
            assert s["text"].startswith("Step 1 of 2: downloading"), s["text"]
    assert [s["loaded"] for s in seen if s["phase"] == "starting"][0] == true_size, "starting once every byte is in"
    # Once the questions are on the page, the reader is told to start answering.
    noted = [s for s in seen if s["note"]]
    assert noted and all(s["questions"] > 0 for s in noted), "the note comes with the questions"
    assert noted[0]["note"] == "You can start answering now."
    assert noted[0]["phase"] == "downloading", "the questions come before the runtime"
    assert page.query_selector("[data-kb=loading-note]") is None, "no note once the results are there"


def test_a_repeat_visit_says_starting_not_downloading(page, site_url):
    page.goto(site_url + "assess/")
    attached(page, READY, timeout=120_000)
    wait_until(page, ENGINE_KEPT)  # the worker keeps the engine's snapshot after the first start
    page.add_init_script(RECORD)
    page.reload()
    attached(page, READY, timeout=120_000)
    seen = page.evaluate("() => window.kbProgress")
    assert seen, "the status reported the start"
    assert {s["phase"] for s in seen} == {"starting"}, [s["phase"] for s in seen]
    assert all(s["text"] == "Starting the self-assessment: it is already on this device…" for s in seen), seen[0]["text"]
