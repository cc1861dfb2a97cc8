"""Loading on a slow link (issue 13): the real worker (generator/assets/worker.js) downloads the runtime
under Chromium's network throttling and the page's progress bar advances with true byte counts."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.test_assess import READY

pytestmark = pytest.mark.browser

MB_PER_S = 2
# Every change of the status box's byte counts, with the bar's value, until the widget is ready.
RECORD = """
window.kbProgress = [];
const sample = () => {
  const root = document.querySelector('#kb-assess');
  if (root && root.dataset.kbState !== 'loading') return;
  const status = document.querySelector('[data-kb=status]');
  const bar = document.querySelector('[data-kb=progress]');
  if (status && status.dataset.loaded && bar) {
    const last = window.kbProgress[window.kbProgress.length - 1];
    const now = {loaded: Number(status.dataset.loaded), total: Number(status.dataset.total), value: bar.value, max: bar.max,
                 text: status.textContent};
    if (!last || last.loaded !== now.loaded || last.total !== now.total) window.kbProgress.push(now);
  }
  requestAnimationFrame(sample);
};
requestAnimationFrame(sample);
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
    page.wait_for_selector(READY, state="attached", timeout=120_000)
    seen = page.evaluate("() => window.kbProgress")
    loads = [s["loaded"] for s in seen]
    print(f"\n[browser] {len(seen)} progress steps at {MB_PER_S} MB/s, total {true_size} bytes")
    assert len(set(loads)) >= 3 and loads == sorted(loads), f"the bar advances: {loads}"
    assert all(s["loaded"] <= s["total"] for s in seen)
    assert all(s["value"] == s["loaded"] and s["max"] == s["total"] for s in seen), "the bar shows the bytes"
    assert {s["total"] for s in seen} == {true_size}, "the total is the true size the build wrote"
    assert loads[0] < true_size // 2, "progress starts well before the end"
    size = re.search(r"runtime \((\d+\.\d) MB", seen[0]["text"])
    assert size and size.group(1) == f"{true_size / 1e6:.1f}", seen[0]["text"]
