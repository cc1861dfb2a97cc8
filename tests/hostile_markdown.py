"""Markdown and HTML syntax in values, and a knowledge base with a value in every field a template interpolates.

``PAYLOADS`` are one-line values that would be syntax if a page read them as
Markdown: a link or reference that rewrites every link to its page, an attribute
list that sets an id or a data attribute the site's scripts read, blocks that
start where a value starts a line. ``ATOMS`` is the alphabet the property test
draws values from.

``place_values`` writes a value into every one-line field of every rules kind
(as the model declares them, references excepted), into every article's title,
summary and tags and every page's title, and into the text of a condition: a
choice question and a flag that compares it with the value. It also adds a page
paragraph that states rule facts in every Markdown context (a paragraph, a line
of its own, a list, a table, link text, a heading). Each value carries its own
token (``q17z``), so a page that shows it names the field it came from.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.rules.model import ARTICLE, KINDS, Field

PAYLOADS = (
    "1 paying customer](https://evil.example/login) [more",
    "](https://evil.example/login)",
    "[log in](https://evil.example/login)",
    "![pixel](https://evil.example/pixel.png)",
    "[more][evil] and [evil]",
    "[evil]: https://evil.example/login",
    "<https://evil.example/login>",
    ": data-clipboard-text=evil }",
    "{: data-clipboard-text=evil }",
    "{: #kb-assess }",
    "{: #KB_ASSESS_STALL_MS }",
    "{: .md-button .md-button--primary }",
    "{#__config}",
    "&#106;avascript&#58;alert(1)",
    "&lt;b&gt;bold&lt;/b&gt;",
    "*emphasis*, **strong**, _under_ and __dunder__",
    "`code` and ``more code``",
    "# a heading #",
    "## closing hashes ##",
    "- a list item",
    "+ a list item",
    "* a list item",
    "1. an ordered item",
    "> a quote",
    '!!! note "an admonition"',
    "===",
    "---",
    "***",
    "| a | b |",
    "a | b | c",
    "    indented code",
    "line one  \nline two",
    "text\n\n- an injected list",
    "\\](https://evil.example/login)",
    "\\\\[x](https://evil.example/login)",
    "*[HTML]: an abbreviation",
    "[TOC]",
    "<b>bold</b>",
    "x_y_z and _x_",
    "javascript:alert(1)",
    "https://evil.example/login",
    "{{ config }} {% raw %}",
    "[x](javascript:alert(1))",
)

# The property test's alphabet: Markdown and HTML metacharacters, and the pieces attacks are made of.
ATOMS = (
    *"[]()<>{}:#*_\\`|!&\"'=+-.~",
    " ", "  ", "\n", "\n\n", "a", "1", "1. ", "- ", "# ", "> ", "!!! ", "===", "---", "    ",
    "javascript:", "https://evil.example", "](", "{:", "{#", "{.", "&#106;", "&amp;", "<b>", "</b>", "<a href=x>",
    " data-clipboard-text=x", " onclick=alert(1)", "kb-assess", "__config",
)

# Fields that hold references or numbers written as text, not text a page shows.
_REFERENCES = {"article", "articles", "related", "choices"}
_NOT_SHOWN = {"cases"}  # rule cases: answers and expectations, never on a page
_QUESTION = """\
# yaml-language-server: $schema=../schemas/question-group.schema.json
id: hostile
title: A group title
order: 99
questions:
  - id: market
    type: choice
    label: Which market do you sell to?
    choices: [alpha, beta]
    help: The market most of your revenue comes from.
"""
_FLAG = """\
# yaml-language-server: $schema=../schemas/flag.schema.json
id: literal
title: A flag title
condition: market == 'alpha'
explanation: |
  Raised when [[flag.literal.raised_when]].
source:
  id: milestone-ladder
  point: A point
"""
# Rule facts in every Markdown context a body has; the facts' values are the placed ones.
FACT_PARAGRAPHS = """

Facts: [[milestone.m2.title]] · [[milestone.m2.summary]] · [[milestone.m2.met_when]] · [[flag.literal.title]] ·
[[flag.literal.raised_when]] · [[checklist.pmf-repeatability.title]] · [[ladder.ladder.keep]]

A line of text
[[milestone.m3.title]]

[[milestone.m4.title]]

- [[milestone.m5.title]]
1. [[flag.literal.raised_when]]

| Fact | Value |
|---|---|
| title | [[milestone.m6.title]] |

See [the page of [[milestone.m2.title]]](milestones/m2.md) and *[[milestone.m2.summary]]*.

## [[milestone.m3.title]] { #fact-heading }
"""


@dataclass(frozen=True)
class Slot:
    """One value placed: the file, the field, and the token its value carries."""

    rel: str
    field: str
    token: str


def prepare(root: Path) -> None:
    """Add the choice question, the flag that compares it with a text, and the facts paragraph (once, to a fresh copy)."""
    (root / "rules" / "questions" / "hostile.yaml").write_text(_QUESTION, encoding="utf-8")
    (root / "rules" / "flags" / "literal.yaml").write_text(_FLAG, encoding="utf-8")
    home = root / "content" / "pages" / "home.md"
    home.write_text(home.read_text(encoding="utf-8").rstrip("\n") + FACT_PARAGRAPHS, encoding="utf-8")


def read_fields(root: Path) -> dict[Path, tuple[str, object, str]]:
    """Every file whose fields take values: path -> (kind, parsed data, the text around it)."""
    out: dict[Path, tuple[str, object, str]] = {}
    for kind in KINDS:
        if kind.name in _NOT_SHOWN:
            continue
        for path in sorted(root.glob(kind.pattern)):
            text = path.read_text(encoding="utf-8")
            out[path] = (kind.name, yaml.safe_load(text), text.split("\n", 1)[0] + "\n")
    for path in sorted([*root.glob("content/articles/*.md"), *root.glob("content/pages/*.md")]):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        out[path] = ("article" if "articles" in path.parts else "page", yaml.safe_load(front), body)
    return out


def place_values(root: Path, fields: dict, values) -> list[Slot]:
    """Write ``fields`` (from ``read_fields``) back with the next of ``values`` in every field; return the slots.

    Each value is made to pass the rules of check that are not about markup: one line where the
    field is one line, no rule fact, never empty (its token is in it).
    """
    tokens = (f"q{n}z" for n in itertools.count(1))
    slots: list[Slot] = []

    def value_for(rel: str, name: str, one_line: bool, *, letter: bool = False) -> str:
        token = next(tokens)
        slots.append(Slot(rel, name, token))
        text = next(values)
        text = text.replace("\n", " ") if one_line else text
        while "[[" in text:
            text = text.replace("[[", "[ [")  # a rule fact naming nothing is refused by check, markup or not
        if name in ("noun", "noun_one"):
            text = text.replace("{}", "{ }")  # '{}' in a noun is where the number goes, and needs a measure
        value = f"{text[: len(text) // 2]}{token}{text[len(text) // 2:]}"
        return f"t{value}" if letter else value  # a tag's first letter picks its listing page

    for path, (kind, data, around) in fields.items():
        rel = path.relative_to(root).as_posix()
        data = copy.deepcopy(data)
        if kind in ("article", "page"):
            declared = ARTICLE if kind == "article" else (Field("title", "line", ""),)
            _fill(data, declared, rel, value_for, tags=kind == "article")
            path.write_text("---\n" + _dump(data) + "---\n" + around, encoding="utf-8")
            continue
        if kind == "flag" and data["id"] == "literal":
            literal = value_for(rel, "condition literal", False).replace("\\", "/")
            quote = "'" if "'" not in literal else '"'
            data["condition"] = f"market == {quote}{literal.replace(quote, '')}{quote}"
        _fill(data, next(k for k in KINDS if k.name == kind).fields, rel, value_for, kind=kind)
        path.write_text(around + _dump(data), encoding="utf-8")
    return slots


def _fill(node, fields: tuple[Field, ...], rel: str, value_for, *, kind: str = "", tags: bool = False) -> None:
    if not isinstance(node, dict):
        return
    for f in fields:
        if node.get(f.name) is None or f.name in _REFERENCES or f.name in ("number", "stages") and kind in ("outline", ""):
            continue
        many = f.type.startswith("list:")
        base = f.type.removeprefix("list:")
        if base == "object":
            for item in node[f.name] if many else [node[f.name]]:
                _fill(item, f.fields, rel, value_for, kind=kind)
        elif base == "line":
            letter = tags and f.name == "tags"
            if many:
                node[f.name] = [value_for(rel, f.name, True, letter=letter) for _ in node[f.name]]
            else:
                node[f.name] = value_for(rel, f.name, True)


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
