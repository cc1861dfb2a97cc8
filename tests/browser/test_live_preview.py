"""`serve` is a live preview in a real browser: the open page reloads after an edit, shows a failed
rebuild's problems over the last good build, and recovers by itself once the file is fixed."""

from __future__ import annotations

import shutil
import socket
import threading
from pathlib import Path

import pytest

from generator.site import serve as preview

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _edit(path: Path, text: str) -> None:
    """Replace a file in one step, as editors save."""
    scratch = path.with_name(".saving")
    scratch.write_text(text)
    scratch.replace(path)


@pytest.fixture
def preview_url(tmp_path: Path):
    """The plant knowledge base, served by `serve` in a thread; its root and address."""
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "fixtures" / "plant-kb", kb)
    port, stop = _free_port(), threading.Event()
    thread = threading.Thread(target=preview.serve, args=(kb, "127.0.0.1", port, 0.1, stop), daemon=True)
    thread.start()
    yield kb, f"http://127.0.0.1:{port}/"
    stop.set()
    thread.join(30)


def test_the_open_page_reloads_shows_problems_and_recovers(browser, preview_url):
    kb, url = preview_url
    context = browser.new_context()
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        page.goto(url, wait_until="domcontentloaded")  # the first build may still be running: the port answers first
        page.wait_for_function("() => document.querySelector('script[data-kb-build]')", timeout=120_000)
        page.evaluate("window.kbSameDocument = true")  # gone once the page reloads

        home = kb / "content" / "pages" / "home.md"
        _edit(home, home.read_text() + "\nA sentence added while the page was open.\n")
        page.wait_for_function("() => !window.kbSameDocument && document.body.innerText.includes('A sentence added while')",
                               timeout=60_000)

        rule = kb / "rules" / "milestones" / "watered.yaml"
        good = rule.read_text()
        page.evaluate("window.kbSameDocument = true")
        _edit(rule, good.replace("waterings_per_week >= 2", "waterings_per_wek >= 2"))
        overlay = page.wait_for_selector("[data-kb-live=problems]", timeout=60_000)
        problem = overlay.query_selector("[data-kb-live=problem]")
        assert problem.query_selector("code").text_content() == "rules/milestones/watered.yaml:5:12"
        assert "unknown answer id 'waterings_per_wek'" in problem.text_content()
        assert page.evaluate("window.kbSameDocument") is True, "a failed rebuild keeps the page (the last good build)"
        assert "A sentence added while" in page.inner_text("body")

        _edit(rule, good)
        page.wait_for_function("() => !window.kbSameDocument && !document.querySelector('[data-kb-live=problems]')",
                               timeout=60_000)
        assert refused == [], "the listening script and its event stream are within the page's policy"
    finally:
        context.close()
