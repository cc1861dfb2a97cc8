"""The widget in the site's language: a knowledge base made by `init --language es`, built and
scored in Chromium, shows none of the widget's English words, only their Spanish ones.

"English words" are every literal piece of the widget's English msgids (extracted afresh from generator/assets/,
so a string not yet in the catalog counts) that its Spanish translation does not say too:
the text between the {placeholders}, matched as whole words in every text node and every aria-label, title,
placeholder and data-short (the phone bar's short labels, which CSS shows) the widget wrote, hidden ones too
(a closed <details>, the printed report). The answers given include invalid ones, so the problems the engine
words (answers.py, through the engine catalog) are looked at as well.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading

import pytest
from babel.messages.pofile import read_po

from generator.bench import ARGS, chromium
from generator.catalogs import extract
from generator.i18n import LOCALE
from generator.locale_tables import WIDGET
from generator.site.build import build_site
from generator.site.serve import make_server
from tests.browser.conftest import attached

pytestmark = pytest.mark.browser

SETTLED = "#kb-assess[data-kb-state=ready], #kb-assess[data-kb-state=error]"
# Every text node and every attribute a reader (or a screen reader) meets, one per line.
SHOWN = """(selector) => {
  const root = document.querySelector(selector);
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) out.push(walker.currentNode.nodeValue);
  for (const node of root.querySelectorAll("[aria-label], [title], [placeholder], [data-short]")) {
    for (const name of ["aria-label", "title", "placeholder", "data-short"]) if (node.hasAttribute(name)) out.push(node.getAttribute(name));
  }
  return out.join("\\n");
}"""
LETTER = "A-Za-zÀ-ÿ"


def _catalog(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "widget.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def english_words(tmp_path_factory) -> dict[str, re.Pattern]:
    """{piece of an English msgid: its whole-word pattern}, for what the widget's code says today."""
    with extract(WIDGET, tmp_path_factory.mktemp("pot") / "widget.pot").open("rb") as handle:
        return words_of(read_po(handle))


def words_of(template) -> dict[str, re.Pattern]:
    spanish = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in _catalog("es") if m.id}
    pieces = {}
    for message in template:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        translation = spanish.get(ids[0]) or ""
        said = " ".join([translation] if isinstance(translation, str) else translation)
        for text in ids:
            for piece in re.split(r"\{[A-Za-z_]\w*\}", text):
                piece = piece.strip(" .,:;()“”'…?—-+→")
                if sum(ch.isalpha() for ch in piece) >= 3 and piece not in said:  # "JSON", "localStorage" stay as they are
                    pieces[piece] = re.compile(rf"(?<![{LETTER}]){re.escape(piece)}(?![{LETTER}])")
    return pieces


def english_in(text: str, pieces: dict[str, re.Pattern]) -> list[str]:
    return sorted(piece for piece, pattern in pieces.items() if pattern.search(text))


@pytest.fixture(scope="module")
def spanish_build(tmp_path_factory):
    """A knowledge base from `init --language es`, built and served on loopback: (its URL, its folder)."""
    base = tmp_path_factory.mktemp("widget-es")
    kb = base / "plantas"
    done = subprocess.run([sys.executable, "-m", "generator", "init", str(kb), "--language", "es"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    site = base / "site"
    server = make_server(site)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    build_site(kb, site, site_url=url)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield url, site
    server.shutdown()


@pytest.fixture
def spanish_site(spanish_build) -> str:
    return spanish_build[0]


@pytest.fixture
def page(browser):
    """A phone's window: the summary's toggle shows there."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def scored(page, times: int) -> None:
    page.wait_for_function(f"() => Number(document.querySelector('#kb-assess').dataset.kbScores || 0) >= {times}", timeout=30_000)


def test_the_comparison_finds_english(english_words):
    """The comparison itself: the widget's English words are found, Spanish text and data pass."""
    pieces = english_words
    assert {"Save snapshot", "answered"} <= set(english_in("Save snapshot\n3 of 5 answered", pieces))
    assert english_in("Guardar instantánea\nDescargar respuestas\n3 de 5 respondidas\nriegos_por_semana", pieces) == []


def test_the_widget_speaks_spanish(page, spanish_site, english_words):
    pieces = english_words
    # Two answers the engine refuses (a negative count, text for a whole number) and one it takes.
    page.goto(spanish_site + "assess/#riegos_por_semana=-1&hojas_nuevas=muchas&trasplantada=true")
    attached(page, SETTLED, timeout=90_000)
    assert page.get_attribute("#kb-assess", "data-kb-state") == "ready", page.inner_text("[data-kb=status]")
    scored(page, 1)
    page.wait_for_selector("[data-kb=invalid]")
    assert "Se esperaba un número de al menos 0; llegó -1" in page.inner_text("[data-question=riegos_por_semana] .kb-q__error")
    assert "Se esperaba un número entero; llegó el texto 'muchas'" in page.inner_text("[data-question=hojas_nuevas] .kb-q__error")

    page.click("[data-kb=save]")
    page.wait_for_selector("[data-kb=snapshot]", state="attached")  # in the closed history, until it is opened
    page.click("[data-kb=save]")
    page.wait_for_function("() => document.querySelectorAll('[data-kb=snapshot]').length === 2")
    assert page.inner_text("[data-kb=keep-message]") == "Guardada solo en este navegador (2 instantáneas)."
    page.click(".kb-keep__history summary")
    page.click("[data-kb=delete] >> nth=0")
    page.wait_for_selector("[data-kb=confirm-delete]")
    page.dispatch_event(".kb-summary__toggle", "click")  # the phone bar may lie over it
    page.wait_for_selector(".kb-summary--open")

    shown = page.evaluate(SHOWN, "#kb-assess")
    for spanish in ("Tu respuesta de un vistazo", "Guardar instantánea", "¿Eliminar esta instantánea de este navegador?", "Ocultar detalles",
                    "Hitos obligatorios cumplidos en 2 instantáneas", "Corrige estas 2 respuestas", "Todos los hitos", "Cumplido",
                    "de 4 preguntas respondidas", "Guarda tus respuestas", "Sí", "No lo sé"):
        assert spanish in shown, spanish
    months = page.evaluate("() => ['en-GB', 'es'].map((tag) => new Date().toLocaleDateString(tag, { month: 'short', year: 'numeric' }))")
    assert months[1] in shown and months[0] not in shown, months  # the snapshots' dates: "5 dic 2026", not "5 Dec 2026"
    assert english_in(shown, pieces) == [], [line for line in shown.splitlines() if english_in(line, pieces)]


def test_a_start_that_fails_says_why_in_spanish(page, spanish_site, english_words):
    """The worker's own words (a download that failed) and the page's, in the site's language."""
    page.route(re.compile(r".*/engine\.zip(\?.*)?$"), lambda route: route.abort())
    page.goto(spanish_site + "assess/")
    attached(page, SETTLED, timeout=90_000)
    assert page.get_attribute("#kb-assess", "data-kb-state") == "error"
    status = page.evaluate(SHOWN, "[data-kb=status]")
    assert "La autoevaluación no pudo arrancar." in status and "no se pudo descargar engine.zip" in status, status
    assert english_in(status, english_words) == []


def test_the_new_version_bar_speaks_spanish(browser, spanish_build, tmp_path, english_words):
    """offline.js, a classic script, imports i18n.js for its bar: a new build's worker waiting says so in Spanish."""
    url, site = spanish_build
    context = browser.browser_type.launch_persistent_context(tmp_path / "profile", executable_path=str(chromium()), args=ARGS,
                                                             service_workers="allow")
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
        worker = site / "sw.js"
        worker.write_text(worker.read_text(encoding="utf-8") + "\n// deployed again\n", encoding="utf-8")  # a new build's worker
        page.goto(url)  # the registration, once the page is idle, finds it
        page.wait_for_selector("[data-kb=new-version]", timeout=60_000)
        bar = page.evaluate(SHOWN, "[data-kb=new-version]")
        assert "Hay una versión nueva de este sitio: recarga para usarla." in bar and "Recargar" in bar, bar
        assert english_in(bar, english_words) == []
    finally:
        context.close()
