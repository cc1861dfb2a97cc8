"""Ids and numbers are ASCII, and crosswalk row ids unique, like every other kind's ids.

Python's ``\\d`` and ``str.isdigit()`` take full-width ('９２') and Arabic-Indic ('٩٢') digits: an
article numbered with them was accepted and shown as a number the outline does not have. Each such
number and id is refused by ``check`` at its position; a link in a body to an article numbered in
other digits is reported as a link to no article.
"""

from __future__ import annotations

from pathlib import Path

from tests.attack_tally import tally
from tests.test_check import edit
from tests.test_html_safety import check_lines

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _line_of(kb: Path, rel: str, needle: str) -> int:
    return next(n for n, line in enumerate((kb / rel).read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_other_digits_in_numbers_and_ids_are_refused_where_they_are(kb: Path):
    articles = kb / "content" / "articles"
    first, second = sorted(articles.glob("92.0102*.md"))[:2]
    first_rel, second_rel = (p.relative_to(kb).as_posix() for p in (first, second))
    number = first.name[:9]
    edit(kb, first_rel, f'number: "{number}"', f'number: "{number.translate(FULL_WIDTH)}"')
    edit(kb, second_rel, f'number: "{second.name[:9]}"', f'number: "{second.name[:9].translate(ARABIC_INDIC)}"')
    outline = "rules/outline.yaml"
    edit(kb, outline, '      - number: "03"', '      - number: "٠٣"')
    edit(kb, outline, '  - number: "1"\n', '  - number: "１"\n')
    edit(kb, "rules/glossary.yaml", "  - id: sql\n", "  - id: \"sql\\n\"\n")  # '$' let a trailing line break through
    edit(kb, "rules/glossary.yaml", "  - id: ", "  - id: term２\n    term: X\n    definition: Y.\n  - id: ")
    edit(kb, "rules/milestones/m1.yaml", "condition: ", "condition: sales_calls_per_week >= ٥ and ")
    lines = check_lines(kb)
    expected = [
        (f"{first_rel}:2:9: article number '{number.translate(FULL_WIDTH)}' is not V.CCSSAA", True),
        (f"{second_rel}:2:9: article number '{second.name[:9].translate(ARABIC_INDIC)}' is not V.CCSSAA", True),
        (f"{outline}:9:17: chapter number '٠٣' is not two digits such as '03'; write it with the digits 0-9", True),
        (f"{outline}:6:13: volume number '１' is not a whole number such as '1'", True),
        ("rules/glossary.yaml:6:9: glossary.terms[2].id 'sql\\n' is not a valid id", True),
        ("rules/glossary.yaml:3:9: glossary.terms[1].id 'term２' is not a valid id", True),
        (f"rules/milestones/m1.yaml:{_line_of(kb, 'rules/milestones/m1.yaml', 'condition:')}:36: in condition: unexpected character '٥'", True),
    ]
    refused = 0
    for start, rest in expected:
        hits = [line for line in lines if line.startswith(start) and (rest is True or rest in line)]
        assert hits, (start, rest, lines)
        refused += 1
    row = tally("unicode-digits", tried=len(expected), refused=refused, inert=0, leaked=len(expected) - refused)
    assert row.leaked == 0


def test_a_link_to_an_article_numbered_in_other_digits_is_a_link_to_no_article(kb: Path):
    body = kb / "content" / "articles" / "92.010101-one-goal-at-a-time.md"
    body.write_text(body.read_text(encoding="utf-8") + "\nSee [the next](٩٢.٠١٠١٠٢.md).\n", encoding="utf-8")
    last = len(body.read_text(encoding="utf-8").splitlines())
    lines = check_lines(kb)
    said = "link to article '٩٢.٠١٠١٠٢', which does not exist; link to an article in content/articles/"
    assert f"{body.relative_to(kb).as_posix()}:{last}:14: {said}" in lines, lines
    row = tally("unicode-digits", tried=1, refused=1, inert=0, leaked=0)
    assert row.leaked == 0


def test_a_duplicate_crosswalk_row_id_is_refused(kb: Path):
    rel = "rules/crosswalk.yaml"
    text = (kb / rel).read_text(encoding="utf-8")
    second = [line for line in text.splitlines() if line.startswith("  - id: ")][1]
    edit(kb, rel, second, "  - id: before-customers")
    first_line = _line_of(kb, rel, "  - id: before-customers")
    second_line = text.splitlines().index(second) + 1
    lines = check_lines(kb)
    assert f"{rel}:{second_line}:9: duplicate crosswalk row id 'before-customers'; first declared in {rel}:{first_line}" in lines, lines
