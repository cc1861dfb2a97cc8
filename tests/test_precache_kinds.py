"""What the service worker keeps when (generator/site/offline.py): the shell at install, the pages once a page says
its own start is over (tests/browser/test_offline.py watches that in Chromium), the runtime once it is used."""

from __future__ import annotations

import json
import re
from pathlib import Path


def test_the_service_worker_installs_with_the_shell_and_keeps_pages_for_later(built_site: Path):
    """Pages are "page" entries, cached once a page says its start is over; the shell (styles, scripts, the offline
    page) installs with the worker; the runtime is "lazy"."""
    manifest = json.loads(re.search(r"const MANIFEST = (\{.*\});", (built_site / "sw.js").read_text()).group(1))
    kinds = {url: kind for url, _, kind in manifest["entries"]}
    assert kinds["./"] == kinds["articles/"] == kinds["assess/"] == "page"
    assert kinds["offline/"] == kinds["assets/kb/assess.css"] == kinds["assets/kb/offline.js"] == "eager"
    assert kinds["assets/pyodide/pyodide.asm.wasm"] == "lazy"
