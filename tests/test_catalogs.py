"""The message catalogs: complete in every shipped language, current with the code, and what the pages say.

Every ``generator/locale/<lang>/LC_MESSAGES/<domain>.po`` is held to its template
(``<domain>.pot``): nothing missing, untranslated or fuzzy, and every placeholder
the same. The templates are held to the code (a string added to a template or to
Python without ``make catalogs`` fails here), and a Spanish render of this
repository's knowledge base is held to the catalog: no sentence of ours in English.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from generator.catalogs import DOMAINS, extract, placeholder_style, problems, template_path
from generator.i18n import LOCALE, catalog_language, languages
from generator.knowledge import load_knowledge
from generator.render.pages import render_docs
from generator.render.translate import site_words
from generator.site.offline import write_offline_page
from tests.conftest import copy_kb

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((po.stem, po.parents[1].name, po) for po in LOCALE.glob("*/LC_MESSAGES/*.po"))  # (domain, language, file)


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def test_english_and_spanish_ship_for_the_pages():
    assert {"en", "es"} <= set(languages("generator"))


@pytest.mark.parametrize("domain, language, path", SHIPPED, ids=[f"{d}-{lang}" for d, lang, _ in SHIPPED])
def test_every_shipped_catalog_is_complete(domain: str, language: str, path: Path):
    assert template_path(domain).is_file(), f"{path} has no template {template_path(domain).name}"
    assert problems(_read(path), _read(template_path(domain)), placeholder_style(domain)) == []


def test_the_check_finds_what_a_translator_can_get_wrong():
    template = Catalog(locale="en")
    for message in ("Read more", "%(count)s stages", "Hello %(name)s", "Hi", "Bye %(who)s", "Gone"):
        template.add(message, flags=("python-format",) if "%(" in message else ())
    template.add(("%(count)s question.", "%(count)s questions."), flags=("python-format",))
    po = Catalog(locale="es")
    po.add("Read more", "Para leer más")  # fine
    po.add("%(count)s stages", "%(cuenta)s etapas")  # a placeholder renamed
    po.add("Hello %(name)s", "Hola")  # a placeholder lost
    po.add("Hi", "100% hola")  # a bare percent sign: formatting would fail
    po.add("Bye %(who)s", "Adiós %(who)s", flags=("fuzzy",))
    po.add("Gone", "")
    po.add(("%(count)s question.", "%(count)s questions."), ("%(count)s pregunta.", "preguntas.", "preguntas."))
    found = problems(po, template)
    assert len(found) == 6, found
    assert any("'%(count)s stages'" in p and "cuenta" in p for p in found)
    assert any("'Hello %(name)s'" in p for p in found)
    assert any("'Hi'" in p for p in found)
    assert "fuzzy: 'Bye %(who)s'" in found
    assert "untranslated: 'Gone'" in found
    assert any("lacks placeholders" in p for p in found)


def test_the_widget_check_reads_its_brace_placeholders():
    """The widget's messages are {name} (i18n.js's t and tn): a renamed, lost or stray brace is caught, %% is text."""
    template = Catalog(locale="en")
    for message in ("{name} was not imported", "Saved {count}", "100% private", "{{literal}}", "Hi {who}"):
        template.add(message)
    template.add(("{count} snapshot", "{count} snapshots"))
    po = Catalog(locale="es")
    po.add("{name} was not imported", "{nombre} no se importó")  # renamed
    po.add("Saved {count}", "Guardado")  # lost
    po.add("100% private", "100% privado")  # fine: a percent sign is text here
    po.add("{{literal}}", "{literal}")  # a doubled brace turned into a placeholder
    po.add("Hi {who}", "Hola {who")  # a stray brace
    po.add(("{count} snapshot", "{count} snapshots"), ("{count} instantánea", "{count} de instantáneas", "{count} instantáneas"))
    found = problems(po, template, placeholder_style("widget"))
    assert len(found) == 4, found
    assert all("a literal { is {{" in p for p in found)
    assert [p for p in problems(po, template) if "100%" in p], "the same catalog read as %-formatted: the bare % is a problem"


def test_a_missing_message_is_reported():
    template, po = Catalog(locale="en"), Catalog(locale="es")
    template.add("New words")
    assert problems(po, template) == ["missing: 'New words' (run 'make catalogs')"]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_each_template_holds_what_the_code_says(domain: str, tmp_path: Path):
    fresh = {m.id if isinstance(m.id, str) else tuple(m.id) for m in _read(extract(domain, tmp_path / "fresh.pot")) if m.id}
    shipped = {m.id if isinstance(m.id, str) else tuple(m.id) for m in _read(template_path(domain)) if m.id}
    assert sorted(map(str, fresh - shipped)) == [], "new messages: run 'make catalogs' and translate them"
    assert sorted(map(str, shipped - fresh)) == [], "messages no longer used: run 'make catalogs'"


def test_a_language_picks_its_catalog():
    assert catalog_language("generator", "es") == "es"
    assert catalog_language("generator", "es-MX") == "es"
    assert catalog_language("generator", "pt_BR") is None


# --- the pages in Spanish -------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%%|</?code>|\*\*?|[“”]")


def _fragments() -> set[str]:
    """The literal parts of our English messages that are recognisably ours: two words or more."""
    out = set()
    for message in _read(template_path("generator")):
        for msgid in ([message.id] if isinstance(message.id, str) else message.id) if message.id else []:
            for part in _PLACEHOLDER.split(msgid):
                part = part.strip(" .:,;—()[]")
                if len(part.split()) >= 2:
                    out.add(part)
    return out


def spanish(kb: Path) -> Path:
    """``kb`` (a copy of this repository's knowledge base) with ``theme.language: es``."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  language: en\n" in config
    (kb / "mkdocs.yml").write_text(config.replace("  language: en\n", "  language: es\n"), encoding="utf-8")
    return kb


def _render(root: Path, out: Path) -> str:
    """Every page of a knowledge base in its language, and the offline page, as one text (the maintainer
    reference and the guide left out: they document the rules files, for maintainers, in English)."""
    words = site_words(root)
    render_docs(load_knowledge(root), out, words=words)
    write_offline_page(out, words)
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.md")) if p.parent.name != "maintainers")


def test_spanish_pages_say_nothing_of_ours_in_english(kb: Path, tmp_path: Path):
    content = "\n".join(p.read_text(encoding="utf-8") for folder in ("rules", "content") for p in (ROOT / folder).rglob("*")
                        if p.suffix in (".yaml", ".md"))
    ours = {f for f in _fragments() if not re.search(rf"(?<!\w){re.escape(f)}(?!\w)", content, re.I)}  # not the content's own
    english, spanish_pages = _render(ROOT, tmp_path / "en"), _render(spanish(kb), tmp_path / "es")

    def said(text: str) -> set[str]:
        # `f in text` first: the regex can only match where f is, and most fragments are nowhere in the text
        return {f for f in ours if f in text and re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text)}

    assert len(said(english)) >= max(50, 0.85 * len(ours)), "the English pages say most of our sentences, or the check has no teeth"
    assert sorted(said(spanish_pages)) == []
    for words in ("Se cumple cuando", "Salta cuando", "Estás aquí cuando", "Estás sin conexión", "Enlazado desde",
                  "Redacción propia de esta base de conocimiento", "la respuesta a «"):
        assert words in spanish_pages


def test_a_language_without_a_catalog_is_refused_by_name(tmp_path: Path):
    kb = copy_kb(tmp_path / "kb", "site_assets")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("  language: en\n", "  language: de\n")
    (kb / "mkdocs.yml").write_text(config, encoding="utf-8")
    line = config.splitlines().index("  language: de") + 1
    done = subprocess.run([sys.executable, "-m", "generator", "--root", str(kb), "check"], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"mkdocs.yml:{line}:13: theme.language 'de': the generator's pages are not translated "
                                        "into it; languages: en, es (a new one is a catalog in generator/locale/)"]
