"""The widget's styles put no words on the page: a `content:` in generator/assets/*.css or the theme's
styles holds symbols only (an arrow, an asterisk, nothing), since CSS text is never translated and a
Spanish site would show it in English. Words go in the markup, through the widget's t()."""

from __future__ import annotations

import re
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).parent
STYLES = sorted([*(PACKAGE / "assets").glob("*.css"), *(PACKAGE / "theme").rglob("*.css")])
CONTENT = re.compile(r"\bcontent\s*:\s*([^;}]*)")
ESCAPE = re.compile(r"\\[0-9A-Fa-f]{1,6}\s?")  # "\25BE" is a code point, not words


def words_in_content(css: str) -> list[str]:
    """Every `content:` value of css that has a letter once its escapes are read as code points."""
    found = []
    for match in CONTENT.finditer(re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)):
        value = ESCAPE.sub(lambda m: chr(int(m.group().strip()[1:], 16)), match.group(1))
        if any(ch.isalpha() for ch in "".join(re.findall(r"\"[^\"]*\"|'[^']*'", value))):
            found.append(match.group(1).strip())
    return found


def test_the_check_finds_words_and_passes_symbols():
    assert words_in_content('a::before { content: "Next: " / ""; }') == ['"Next: " / ""']
    assert words_in_content("a::after { content: 'Risk' }") == ["'Risk'"]
    assert words_in_content('a::after { content: "\\25BE"; } b::after { content: "*"; } c { content: none; }') == []
    assert words_in_content('/* content: "Next" */ a { color: red; }') == []


def test_no_style_of_the_widget_says_words():
    assert STYLES and PACKAGE / "assets" / "assess.css" in STYLES
    assert {path.name: words for path in STYLES if (words := words_in_content(path.read_text(encoding="utf-8")))} == {}
