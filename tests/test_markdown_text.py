"""Values are text wherever a template puts them (generator/render/markdown_text.py), and check refuses markup in one-line fields.

Four layers, each tested on its own:

- every ``{{ … }}`` in every template says how its value is meant (``md_text``, ``markdown``, a macro,
  or an id, number or path), and the environment's ``finalize`` refuses a bare value escaping would change;
- ``md_text`` gives the same elements as a harmless word in every Markdown context the templates use,
  for values drawn from a Markdown and HTML metacharacter alphabet;
- ``check`` refuses link, reference, attribute-list and character-reference syntax in one-line fields
  and condition literals, and markup that rule facts assemble, at its line and column;
- with check's text rules off, the real build of the knowledge base, with a value in every field a
  template interpolates (tests/hostile_markdown.py), has on every page exactly the elements,
  attributes and links of the same build with a harmless word in each: corpus values in one build,
  then hypothesis-drawn values, one build per example.
"""

from __future__ import annotations

import functools
import itertools
import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag

import markdown as python_markdown
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from jinja2 import TemplateAssertionError, nodes

from generator.errors import UserError
from generator.knowledge import load_knowledge
from generator.render.markdown_text import UnescapedValue, md_text
from generator.render.pages import MARKUP_FILTERS, TEMPLATES, environment
from generator.site.build import build_site
from tests.attack_tally import tally
from tests.conftest import copy_kb, examples
from tests.hostile_markdown import ATOMS, PAYLOADS, place_values, prepare, read_fields
from tests.test_check import edit
from tests.test_html_safety import switch_off_text_rules, without_check  # noqa: F401 - without_check is a fixture

FAMILY = "markdown-injection"

# --- every template says how each value is meant -------------------------------------------------

FILTERS = {"md_text": "text", "markdown": "a Markdown field check vouches for", "tojson": "JSON, HTML-safe", "length": "a number"}
MACROS = {"credit", "links", "reading", "entry"}  # template macros: their output is assembled from values that passed the same rules
# {% trans %} and _(): the translation is ours, and every value put into it is escaped as text (render/translate.py)
TRANSLATED = {"_", "gettext", "ngettext"}
# Values printed bare: ids, numbers and paths (escaping would not change them: finalize checks), and Markdown built in Python.
ID_LIKE = {"id", "number", "page", "path", "anchor", "framework", "count", "index", "severity", "prefix", "suffix"}
BUILT_IN_PYTHON = {
    "reference": "the maintainer reference, generated from generator/rules/model.py (MarkdownSafe)",
    "a.credit": "credit sentences made with md_link and md_text in credits.py (MarkdownSafe)",
    "cell": "a crosswalk cell made with md_link in context.py (MarkdownSafe)",
    "row.home_cells[loop.index0]": "the same cells, for the home page (MarkdownSafe)",
}


def _spelled(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_spelled(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_spelled(node.node)}[{_spelled(node.arg)}]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return type(node).__name__


def _unsaid(node: nodes.Node) -> str | None:
    """Why an interpolated expression does not say how its value is meant, or None if it does."""
    if isinstance(node, nodes.Filter):
        return None if node.name in FILTERS else f"the filter {node.name!r} vouches for nothing"
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in MACROS | TRANSLATED:
        return None
    spelled = _spelled(node)
    if spelled in BUILT_IN_PYTHON or spelled.rsplit(".", 1)[-1] in ID_LIKE:
        return None
    return f"{{{{ {spelled} }}}} prints a value without | md_text or | markdown"


def test_every_template_says_how_each_value_is_meant():
    env = environment()
    found = []
    for path in sorted(TEMPLATES.glob("*.j2")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for output in tree.find_all(nodes.Output):
            for node in output.nodes:
                if not isinstance(node, nodes.TemplateData) and (why := _unsaid(node)):
                    found.append(f"{path.name}:{node.lineno}: {why}")
    assert found == []


def test_a_value_printed_bare_fails_the_page_instead_of_reaching_it():
    env = environment()
    hostile = "1 paying customer](https://evil.example/login) [more"
    with pytest.raises(UnescapedValue, match="reaches the page unescaped"):
        env.from_string("[{{ title }}](m1.md)").render(title=hostile)
    assert env.from_string("[{{ title | md_text }}](m1.md)").render(title=hostile) == (
        "[1 paying customer\\](https://evil.example/login) \\[more](m1.md)")
    assert env.from_string("[x](../questions.md#{{ id }}) {{ n }}").render(id="sales_calls_per_week", n=92.010101) == (
        "[x](../questions.md#sales_calls_per_week) 92.010101")  # ids and numbers escape to themselves
    for name in MARKUP_FILTERS:
        with pytest.raises(TemplateAssertionError, match=f"No filter named '{name}'"):
            env.from_string(f"{{{{ title | {name} }}}}")


# --- md_text in every Markdown context the templates use -----------------------------------------

CONTEXTS = (
    "[{}](page.md)",
    "| a | b |\n|---|---|\n| {} | [{}](page.md) |",
    "## {} {{ #anchor }}",
    "# m1: {}",
    "- {}",
    "1. {}",
    "A line of text\n{}",
    "{}\n\nNext paragraph.",
    "**Raised when** {}.",
    "*{}*",
    "<details markdown>\n<summary>s</summary>\n\nCondition: <code>{}</code>.\n\n</details>",
    "<div markdown>\n**Source:** [{}](sources.md#x), {} — {}.\n</div>",
)
_MARKDOWN = python_markdown.Markdown(extensions=["attr_list", "md_in_html", "admonition", "tables", "toc"])


class _Shape(HTMLParser):
    """Each start tag with its attributes; ids and words in attributes blanked, links without their fragment."""

    WORDS = frozenset({"id", "for", "title", "alt", "content", "value", "aria-label", "aria-labelledby", "aria-controls"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        shown = []
        for name, value in attrs:
            if name in ("href", "src"):
                value = urldefrag(value or "")[0]
            elif name in self.WORDS:
                value = ""
            if not (name == "id" and re.fullmatch(r"h\d", tag)):  # a heading's id is its slug: one the sanitiser drops may go
                shown.append((name, value))
        self.tags[(tag, tuple(sorted(shown)))] += 1

    handle_startendtag = handle_starttag


def shape(html: str) -> Counter:
    parser = _Shape()
    parser.feed(html)
    return parser.tags


def _render(context: str, value) -> Counter:
    _MARKDOWN.reset()
    return shape(_MARKDOWN.convert(context.replace("{}", "\0").replace("{{", "{").replace("}}", "}").replace("\0", str(value))))


VALUES = st.lists(st.sampled_from(ATOMS), min_size=1, max_size=12).map("".join).filter(str.strip)  # check refuses empty text


@given(VALUES)
@settings(max_examples=400, deadline=None)
@example("1 paying customer](https://evil.example/login) [more")
@example(": data-clipboard-text=evil }")
@example("__dunder__ and x__y")
@example("===")
@example("text\n\n- an injected list")
def test_md_text_makes_the_elements_of_a_harmless_word_in_every_context(value: str):
    for context in CONTEXTS:
        assert _render(context, md_text(value)) == _harmless(context), (context, value, md_text(value))


@functools.cache
def _harmless(context: str) -> Counter:
    """The harmless word's elements in ``context``: the same for every example, so rendered once."""
    return _render(context, "harmless")


# --- check ---------------------------------------------------------------------------------------

def _problems(kb: Path) -> list[str]:
    with pytest.raises(UserError) as failure:
        load_knowledge(kb)
    return [str(p) for p in failure.value.problems]


def test_check_refuses_link_and_attribute_syntax_in_one_line_fields_and_condition_texts(kb: Path):
    edit(kb, "rules/milestones/m2.yaml", "title: ", "title: 1 paying customer](https://evil.example/login) [more #")
    edit(kb, "rules/flags/revenue-without-fit.yaml", "== 'stage-1'", "== 'stage-1](https://evil.example/login)'")
    edit(kb, "rules/milestones/m4.yaml", "summary: ", "summary: 'Five &#106;avascript {: #kb-assess }' #")
    edit(kb, "rules/glossary.yaml", "term: ", "term: '[evil]: https://evil.example/login' #")
    found = _problems(kb)
    expected = [
        "rules/milestones/m2.yaml:3:25: milestone.title: link syntax ('](' or '][') is not allowed in a one-line field; ",
        "rules/flags/revenue-without-fit.yaml:4:82: in condition: link syntax ('](' or '][') is not allowed in a condition's text; ",
        "rules/milestones/m4.yaml:4:16: milestone.summary: an HTML character reference is not allowed in a one-line field; ",
        "rules/milestones/m4.yaml:4:32: milestone.summary: an attribute list ('{:', '{#' or '{.') is not allowed in a one-line field; ",
        "rules/glossary.yaml:4:12: glossary.terms[1].term: a link reference definition ('[x]:') is not allowed in a one-line field; ",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in found), (start, found)
    tally(FAMILY, tried=len(expected), refused=len(expected), inert=0, leaked=0)


def test_check_refuses_markup_that_a_rule_fact_completes_at_the_fact(kb: Path, repo_root: Path):
    edit(kb, "rules/flags/too-niche.yaml", "title: ", "title: ': data-clipboard-text=evil' #")  # allowed: plain text
    edit(kb, "rules/milestones/m3.yaml", "why: |\n", "why: |\n  Read *this*{[[flag.too-niche.title]]} first.\n")
    found = _problems(kb)
    assert len(found) == 1 and found[0].startswith(
        "rules/milestones/m3.yaml:7:15: once its rule facts are filled in, the attribute 'data-clipboard-text'"), found
    shutil.copy(repo_root / "rules" / "milestones" / "m3.yaml", kb / "rules" / "milestones" / "m3.yaml")
    page = kb / "content" / "pages" / "home.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee *the warning*{[[flag.too-niche.title]]}.\n", encoding="utf-8")
    last = len(page.read_text(encoding="utf-8").splitlines())
    found = _problems(kb)
    assert len(found) == 1 and found[0].startswith(
        f"content/pages/home.md:{last}:19: once its rule facts are filled in, the attribute 'data-clipboard-text'"), found
    tally(FAMILY, tried=2, refused=2, inert=0, leaked=0)


def test_check_refuses_an_attribute_list_without_a_colon_in_a_text_with_no_other_markup(kb: Path):
    """attr_list reads "*this*{onclick}" as an attribute too: check saw it only when the same text held a link."""
    edit(kb, "rules/milestones/m2.yaml", "why: |\n", "why: |\n  Read *this*{onclick} first.\n")
    found = _problems(kb)
    assert len(found) == 1 and found[0].startswith("rules/milestones/m2.yaml:"), found
    assert "the attribute 'onclick' on <em> is not allowed" in found[0], found
    tally(FAMILY, tried=1, refused=1, inert=0, leaked=0)


def test_check_lets_ordinary_punctuation_through_in_one_line_fields(kb: Path):
    edit(kb, "rules/milestones/m2.yaml", "title: ", "title: 'First paying customer (R&D: *not* #1, [draft] x < 5, a_b) -' #")
    edit(kb, "rules/milestones/m3.yaml", "summary: ", "summary: 'See [[milestone.m2.title]] (the one before)' #")
    load_knowledge(kb)


# --- the real build, with a value in every interpolated field ------------------------------------

@pytest.fixture(scope="module")
def harmless(tmp_path_factory):
    """A prepared copy of the knowledge base, its fields, and the pages built with a harmless word in each."""
    root = tmp_path_factory.mktemp("markdown-text")
    kb = copy_kb(root / "kb", "mkdocs.yml", "site_assets")
    prepare(kb)
    fields = read_fields(kb)
    slots = place_values(kb, fields, itertools.repeat("word"))
    site = root / "harmless-site"
    build_site(kb, site)
    pages = _pages(site)
    shown = set(re.findall(r"q\d+z", "\n".join(pages.values())))
    interpolated = [slot for slot in slots if slot.token in shown]
    return kb, fields, {rel: shape(html) for rel, html in pages.items()}, interpolated


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def _build_and_compare(harmless, values, site: Path) -> tuple[int, list[str], set[str]]:
    """Place ``values``, build, and compare every page with the harmless build.

    Returns the number of fields placed, one line per page that differs (what it gained and lost), and
    the tokens of the values on those pages.
    """
    kb, fields, expected, interpolated = harmless
    slots = {slot.token: slot for slot in place_values(kb, fields, values)}
    build_site(kb, site)
    pages = _pages(site)
    assert sorted(pages) == sorted(expected)
    differ, tokens = [], set()
    for rel, html in pages.items():
        found = shape(html)
        if found != expected[rel]:
            near = sorted(set(re.findall(r"q\d+z", html)) & set(slots))
            tokens.update(near)
            differ.append(f"{rel}: gained {dict(found - expected[rel])}, lost {dict(expected[rel] - found)}; values on it: "
                          + ", ".join(f"{slots[t].rel} {slots[t].field}" for t in near[:5]))
    shutil.rmtree(site)
    return len(interpolated), differ, tokens


def test_the_fields_a_template_interpolates_all_carry_a_value(harmless):
    _, _, _, interpolated = harmless
    kinds = {(slot.rel.split("/")[1], slot.field) for slot in interpolated}
    for expected in [("milestones", "title"), ("milestones", "summary"), ("milestones", "point"), ("flags", "title"),
                     ("flags", "condition literal"), ("frameworks", "focus"), ("frameworks", "this_week"), ("frameworks", "number"),
                     ("questions", "label"), ("questions", "unit"), ("questions", "noun"), ("crosswalk.yaml", "title"),
                     ("outline.yaml", "title"), ("glossary.yaml", "term"), ("glossary.yaml", "aliases"), ("sources.yaml", "author"),
                     ("ladder.yaml", "keep"), ("articles", "title"), ("articles", "summary"), ("articles", "tags"),
                     ("articles", "point"), ("pages", "title"), ("checklists", "title")]:
        assert expected in kinds, expected
    assert len(interpolated) > 400


def test_the_corpus_in_every_field_is_refused_by_check_or_inert_in_the_build(harmless, tmp_path: Path, monkeypatch):
    kb, fields, _, interpolated = harmless
    slots = place_values(kb, fields, itertools.cycle(PAYLOADS))
    lines = _slot_lines(kb, slots)
    refused = set()
    for problem in _problems(kb):
        rel, line = problem.split(":")[:2]
        assert (rel, int(line)) in lines, f"a problem where no value was placed: {problem}"
        refused.add(lines[(rel, int(line))])
    switch_off_text_rules(monkeypatch)
    placed, differ, tokens = _build_and_compare(harmless, itertools.cycle(PAYLOADS), tmp_path / "site")
    tried = [slot.token for slot in interpolated]
    leaked = [token for token in tried if token in tokens and token not in refused]
    count = len([t for t in tried if t in refused])
    tally(FAMILY, tried=len(tried), refused=count, inert=len(tried) - count - len(leaked), leaked=len(leaked))
    assert differ == [], "pages whose elements a value changed:\n" + "\n".join(differ[:10])
    assert count > 0 and len(tried) - count > 0  # some payloads are refused, others are accepted as text


# Each example is a whole build (seconds), and a build places values in 400+ fields: three builds of 80-160 values
# try more distinct values (261) than eight of 20-40 did (197), for under half the builds.
@given(st.lists(VALUES, min_size=80, max_size=160))
@settings(max_examples=examples(3), deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],  # no shrinking: a build each
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
def test_values_drawn_from_markup_in_every_field_change_no_element(harmless, tmp_path_factory, without_check, values):
    site = tmp_path_factory.mktemp("drawn") / "site"
    placed, differ, tokens = _build_and_compare(harmless, itertools.cycle(values), site)
    tally(FAMILY, tried=placed, refused=0, inert=placed - len(tokens), leaked=len(tokens))
    assert differ == [], "pages whose elements a value changed:\n" + "\n".join(differ[:10])


def _slot_lines(kb: Path, slots) -> dict[tuple[str, int], str]:
    """(file, line) -> the token of the value written there."""
    out = {}
    for slot in slots:
        lines = (kb / slot.rel).read_text(encoding="utf-8").splitlines()
        out[(slot.rel, next(n for n, text in enumerate(lines, 1) if slot.token in text))] = slot.token
    return out

