"""The guide "Start your own knowledge base" (generator/guide.md) is held to the code, both ways:
everything a knowledge base must or may contain is named in it, and everything it names exists."""

from __future__ import annotations

import argparse
import fnmatch
import re

import pytest

from generator.cli import _parser
from generator.content.pages import REQUIRED_PAGES
from generator.init_kb import LANGUAGES
from generator.knowledge import SECTION_KINDS
from generator.render.pages import GUIDE, TEMPLATES
from generator.rules.model import KINDS
from generator.site import config
from generator.site.layers import ASSETS, THEME

GUIDE_TEXT = GUIDE.read_text(encoding="utf-8")
SECTION_PAGES = (*SECTION_KINDS, "articles", "glossary")  # generator/knowledge.py asks for these when the rules call for them


def section(heading: str) -> str:
    """The text under one '## ' heading of the guide."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", GUIDE_TEXT, re.M | re.S)
    assert match, f"the guide has no section {heading!r}"
    return match.group(1)


def first_column(text: str) -> list[str]:
    """The code spans in the first cell of each table row (the names a table lists)."""
    cells = [line.split("|")[1] for line in text.splitlines() if line.startswith("| `")]
    return [span for cell in cells for span in re.findall(r"`([^`]+)`", cell)]


def commands() -> list[str]:
    (sub,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


def allowed_keys() -> set[str]:
    return ({*config.OWNER_KEYS} | {f"theme.{key}" for key in config.THEME_KEYS})


def test_every_required_page_is_named():
    listed = first_column(section("Pages"))
    assert listed == [f"content/pages/{name}.md" for name in (*REQUIRED_PAGES, *SECTION_PAGES)]


def test_every_rules_kind_and_folder_is_named():
    rows = [line for line in section("Rules").splitlines() if line.startswith("| `")]
    listed = {re.search(r"`([^`]+)`", row).group(1): row.split("|")[2].strip() for row in rows}
    assert listed == {kind.pattern: kind.name for kind in KINDS}
    for kind in KINDS:  # 'must' exactly for the files check requires
        row = next(r for r in rows if f"`{kind.pattern}`" in r)
        must = row.split("|")[3].strip() == "must"
        assert must == kind.required, kind.name
    folders = first_column(section("What the folder holds"))
    assert {"mkdocs.yml", "rules/", "content/pages/", "content/articles/", "site_assets/", "package.json"} <= set(folders)


def test_every_allowed_mkdocs_key_is_named_and_no_other():
    listed = first_column(section("mkdocs.yml"))
    assert set(listed) == allowed_keys()
    palette = section("mkdocs.yml").split("`theme.palette`", 1)[1].split("\n", 1)[0]
    assert set(re.findall(r"`(\w+)`", palette)) == set(config.PALETTE_KEYS)
    assert f"`{config.SUPPORTED_THEME}`" in section("mkdocs.yml")


def test_every_language_is_named():
    named = re.search(r"`theme.language` \|[^|]*\(([^)]*)\)", section("mkdocs.yml")).group(1)
    assert re.findall(r"`(\w+)`", named) == list(LANGUAGES)


def test_every_command_is_named_and_exists():
    listed = first_column(section("Commands"))
    named = [span.split()[3] for span in listed]
    assert sorted(named) == sorted(commands())
    everywhere = set(re.findall(r"python -m generator (\w+)", GUIDE_TEXT))
    assert everywhere <= set(commands())


def test_every_override_the_guide_names_exists():
    overrides = re.findall(r"`site_assets/([^`<>]+)`", GUIDE_TEXT)
    assert overrides, "the guide gives an example of each kind of override"
    for rel in overrides:
        if rel.startswith("theme/"):
            assert (THEME / rel.removeprefix("theme/")).is_file(), rel
        elif rel.startswith("templates/"):
            assert (TEMPLATES / rel.removeprefix("templates/")).is_file(), rel
        else:
            assert (ASSETS / rel).is_file(), rel


def test_every_rules_path_the_guide_names_exists():
    """A path under rules/ or content/ in the guide is a kind's file or folder, or something check or schemas writes."""
    patterns = [kind.pattern for kind in KINDS] + ["rules/README.md", "rules/schemas/*", "content/pages/*.md",
                                                   "content/articles/*"]
    for path in set(re.findall(r"`((?:rules|content)/[^`]*)`", GUIDE_TEXT)):
        assert path.endswith("/") or any(fnmatch.fnmatchcase(path, p) for p in patterns), path
        if path.endswith("/"):
            assert any(p.startswith(path) for p in patterns), path


@pytest.mark.parametrize("word", ["founder", "startup", "company", "hell-yes", "sales"])
def test_the_guide_has_no_domain_of_its_own(word: str):
    """It is published on every knowledge base's site."""
    assert word not in GUIDE_TEXT.lower()
