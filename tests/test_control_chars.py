"""Control, bidi and NUL characters stay inert (generator/rules/characters.py, generator/report.py).

``check`` refuses each, raw or written as a YAML escape, in every kind of text field (one-line, Markdown,
ids, conditions, free-form mappings, front matter, bodies) at the line and column where it is written,
naming the character; tabs and line breaks in Markdown text pass. ``score`` shows any that reach it
escaped, in both formats; and a build whose text check was switched off still publishes no NUL.
"""

from __future__ import annotations

import contextlib
import io
import json
import unicodedata
from pathlib import Path

import pytest

import generator.knowledge
from generator.cli import main
from generator.errors import UserError
from generator.rules.characters import describe, first_unsafe, unsafe
from generator.site.audit import findings
from generator.site.build import build_site
from tests.attack_tally import tally
from tests.conftest import ROOT, copy_kb
from tests.test_check import edit
from tests.test_html_safety import check_lines

# (file, text to replace, replacement, how the character is written in the replacement, what it is)
ATTACKS = [
    ("rules/milestones/m2.yaml", "title: ", 'title: "\\e[2J" # ', "\\e", "\x1b"),
    ("rules/milestones/m3.yaml", "summary: ", "summary: A\u202eB ", "\u202e", "\u202e"),
    ("rules/milestones/m4.yaml", "title: ", 'title: "Null\\0 byte" # ', "\\0", "\0"),
    ("rules/milestones/m4.yaml", "why: |\n  ", "why: |\n  Reads \u2066backwards. ", "\u2066", "\u2066"),
    ("rules/glossary.yaml", "    definition: ", '    definition: "Reads \\u2066backwards\\u2069 " # ', "\\u2066", "\u2066"),
    ("rules/glossary.yaml", "    aliases: [", '    aliases: ["a\\x85b", ', "\\x85", "\x85"),
    ("rules/constraints.yaml", "  - id: hell-yes-within-paying", '  - id: "hell-yes\\u202d-within-paying"', "\\u202d", "\u202d"),
    ("rules/flags/too-niche.yaml", "condition: stage('spinning-plates') == 'stage-2'",
     "condition: stage('spinning-plates') == 'stage-2\u202e'", "\u202e", "\u202e"),
    ("rules/crosswalk.yaml", "cxo-atlas: [idea, can-demo]", 'cxo-atlas: [idea, "can-demo\\a"]', "\\a", "\a"),
    ("rules/tests/flags.yaml", '    answers: {"sales_calls_per_week": 4, "paying_customers": 1}',
     '    answers: {"sales_calls_per_week": 4, "paying_customers": 1, "\\e]0;title\\a": 1}', "\\e", "\x1b"),
    ("rules/ladder.yaml", "title: ", 'title: "A tab\\tin a one-line field" # ', "\\t", "\t"),
    ("rules/tests/milestones.yaml", '  - name: "m1: 4 calls', '  - name: "m1:\\v 4 calls', "\\v", "\v"),
    ("content/articles/92.010101-*.md", "title: ", 'title: "\\e]8;;https://evil.example\\e\\\\" # ', "\\e", "\x1b"),
    ("content/articles/92.010102-*.md", "\n---\n", "\n---\nRaw NUL \x00 in a body.\n\n", "\x00", "\0"),
    ("content/pages/home.md", "title: ", 'title: "\\u200fHome" # ', "\\u200f", "\u200f"),
    ("content/pages/sources.md", "\n---\n", "\n---\nSee \u2067this\u2069.\n\n", "\u2067", "\u2067"),
    ("content/pages/flags.md", "\n---\n", "\n---\nA line\u2028separator.\n\n", "\u2028", "\u2028"),
]
BENIGN = [  # text that stays: tabs and line breaks in Markdown, emoji with their joiners, accents
    ("rules/milestones/m5.yaml", "why: |\n  ", "why: |\n  A\ttab in Markdown text, 👩‍💻, café.\n  ", "", ""),
    ("content/articles/92.010201-*.md", "\n---\n", "\n---\nA\ttab in a body, and ﬁ ligatures.\n\n", "", ""),
]


def _apply(kb: Path, rel: str, old: str, new: str) -> str:
    rel = next(kb.glob(rel)).relative_to(kb).as_posix()
    edit(kb, rel, old, new)
    return rel


def _where(kb: Path, rel: str, written: str) -> tuple[int, int]:
    text = (kb / rel).read_text(encoding="utf-8")
    before = text[:text.index(written)]
    return before.count("\n") + 1, len(before) - before.rfind("\n")


def test_check_refuses_each_control_and_bidi_character_where_it_is_written(kb: Path):
    placed = []
    for rel, old, new, written, char in ATTACKS:
        placed.append((_apply(kb, rel, old, new), written, char))
    for rel, old, new, _, _ in BENIGN:
        _apply(kb, rel, old, new)
    lines = check_lines(kb)
    refused = 0
    for rel, written, char in placed:
        line, col = _where(kb, rel, written)
        expected = f"{rel}:{line}:{col}: "
        hits = [text for text in lines if text.startswith(expected) and f"remove {describe(char)}:" in text]
        assert hits, (expected, describe(char), [text for text in lines if text.startswith(rel)])
        refused += 1
    for rel, _, _, _, _ in BENIGN:
        rel = next(kb.glob(rel)).relative_to(kb).as_posix()
        assert not [text for text in lines if text.startswith(rel) and "control or bidi" in text], lines
    assert not any(ch for text in lines for ch in text if unsafe(ch)), "a problem line shows a character raw"
    row = tally("control-chars", tried=len(ATTACKS), refused=refused, inert=0, leaked=len(ATTACKS) - refused)
    assert row.leaked == 0


def test_the_character_rule():
    assert describe("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert describe("\x1b") == "U+001B ESCAPE" and describe("\0") == "U+0000 NULL"
    assert describe("\x03") == "U+0003 (a control character)"
    refused = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and unsafe(chr(c), "")]
    assert {unicodedata.category(ch) for ch in refused} == {"Cc", "Cf", "Zl", "Zp"}
    assert len([ch for ch in refused if unicodedata.category(ch) == "Cf"]) == 12  # the bidi controls, no more
    assert first_unsafe("plain text, café, 👩‍💻") is None and first_unsafe("a\tb\nc", "\t\n") is None
    assert first_unsafe("a\tb") == 1 and first_unsafe("ab\u061c") == 2


# --- score --------------------------------------------------------------------------------------------------------

HOSTILE = "Evil\x1b[2J\x1b]0;pwned\x07\u202e\x00"


@pytest.fixture
def hostile_rules(monkeypatch):
    """Rules whose texts hold control characters, as if they had got past check."""
    loaded = generator.knowledge.load_knowledge(ROOT)
    rules = loaded.rules
    for milestone in rules.milestones.values():
        milestone["title"] = f"{milestone['title']} {HOSTILE}"
    for flag in rules.flags.values():
        flag["title"] = f"{flag['title']} {HOSTILE}"
    rules.questions["paying_customers"]["noun"] = f"paying customers {HOSTILE}"
    monkeypatch.setattr(generator.knowledge, "load_knowledge", lambda root: loaded)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_score_shows_control_characters_escaped(hostile_rules, tmp_path: Path, fmt: str):
    answers = tmp_path / "answers.yaml"
    answers.write_text("paying_customers: 3\nsales_calls_per_week: 6\nproducts_count: 4\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(ROOT), "score", "--answers", str(answers), "--format", fmt])
    text = out.getvalue()
    assert code == 0, err.getvalue()
    raw = [ch for ch in text if unsafe(ch)]
    shown = text.count("Evil")
    assert shown >= 3  # milestone titles, a flag and the noun reached the output
    if fmt == "json":
        data = json.loads(text)
        assert any(HOSTILE in value for value in _strings(data))  # the same values: escaped only in how they are written
        assert "Evil\\u001b[2J\\u001b]0;pwned\\u0007\\u202e\\u0000" in text
    else:
        assert "Evil\\x1b[2J\\x1b]0;pwned\\x07\\u202e\\x00" in text
    row = tally("control-chars", tried=shown, refused=0, inert=shown if not raw else 0, leaked=shown if raw else 0)
    assert row.leaked == 0 and not raw, raw


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return [text for value in values for text in _strings(value)]


# --- the build ------------------------------------------------------------------------------------------------------

def test_the_audit_refuses_a_control_character_in_a_page():
    assert findings("<p>a\x00b</p>") == ["a control character, U+0000 NULL"]
    assert findings("<title>x\x1b[2J</title>") == ["a control character, U+001B ESCAPE"]
    assert findings("<p>tab\tand\nnewline\r\n</p>") == []


def test_the_build_alone_publishes_no_nul(tmp_path: Path, monkeypatch):
    """check's character rule switched off: a NUL in a title and a body is stopped or dropped, never published."""
    import generator.content.articles as articles
    import generator.content.pages as pages
    import generator.rules.validate as validate

    monkeypatch.setattr(validate, "first_unsafe", lambda text, allowed="": None)
    for module in (articles, pages):
        monkeypatch.setattr(module, "body_problems", lambda body, line: iter(()))
    kb = copy_kb(tmp_path / "kb", "mkdocs.yml", "site_assets")
    edit(kb, "rules/milestones/m2.yaml", "title: ", 'title: "Nul\\0 in a title" # ')
    edit(kb, "content/pages/home.md", "\n---\n", "\n---\nNul \x00 in a body.\n\n")
    site = tmp_path / "site"
    try:
        build_site(kb, site)
    except UserError as err:
        assert any("U+0000 NULL" in str(p) for p in err.problems), err
        assert not site.exists()
        refused, inert = 2, 0
    else:
        leaked_in = [p for p in site.rglob("*") if p.suffix in (".html", ".json", ".xml") and p.is_file() and b"\x00" in p.read_bytes()]
        assert not leaked_in, leaked_in
        refused, inert = 0, 2
    row = tally("control-chars", tried=2, refused=refused, inert=inert, leaked=0)
    assert row.leaked == 0


@pytest.mark.parametrize("allowed", ["\n", "\t\n"])
def test_the_one_pass_search_refuses_exactly_what_unsafe_refuses(allowed: str):
    """first_unsafe searches with one character class (fast on long bodies); it must agree with the
    Unicode categories ``unsafe`` reads, at every code point."""
    from generator.rules.characters import first_unsafe, unsafe

    disagree = [hex(code) for code in range(0x110000)
                if (first_unsafe("ok" + chr(code), allowed) == 2) != unsafe(chr(code), allowed)]
    assert disagree == []
