"""Numbered articles under content/articles/: ``V.CCSSAA-slug.md`` with front matter.

Articles are validated like rules: every field against ``model.ARTICLE``,
numbers against the outline (rules/outline.yaml), and references (sources,
stages, related articles) once everything is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, did_you_mean
from ..render.html_policy import body_problems, render_ahead
from ..rules.model import ARTICLE, ARTICLE_NUMBER
from ..rules.yamlfile import YamlFile, YMap, todo_markers
from ..sources import list_files
from .frontmatter import read_markdown

_NUMBER = re.compile(ARTICLE_NUMBER)
# \d, not [0-9], on purpose: a link to '٩٢.٠١٠١٠١.md' is reported as a link to no article
_BODY_LINK = re.compile(r"\]\((?:\.\./articles/)?(\d+\.\d{6})\.md(?:#[^)]*)?\)")


@dataclass
class Article:
    number: str
    title: str
    summary: str
    tags: list[str]
    stages: list[str]
    credits: list[dict]  # [{'id': source id, 'gave': [kinds], 'point': text or None}], as in the front matter
    related: list[str]
    body: str
    body_line: int
    rel: str
    volume: str
    chapter: str
    section: str
    meta: YMap = field(repr=False, default=None)
    file: YamlFile = field(repr=False, default=None)

    @property
    def sources(self) -> list[str]:
        return [credit["id"] for credit in self.credits]

    @property
    def page(self) -> str:
        return f"articles/{self.number}/"


def load_articles(root: Path) -> tuple[dict[str, Article], list[YamlFile]]:
    """Every article by number (sorted), and the files whose problems to report."""
    articles: dict[str, Article] = {}
    files: list[YamlFile] = []
    listing = list_files(root, "content/articles", suffix=".md")
    if listing.problems:  # links and unsafe names: reported here, never read
        files.append(YamlFile(root / "content" / "articles", "content/articles", problems=listing.problems))
    read = [(path, read_markdown(path, path.relative_to(root).as_posix(), ARTICLE, "article")) for path in listing.files]
    render_ahead([doc.body for _, doc in read])  # the Markdown body_problems reads, on every core
    for path, doc in read:
        rel = doc.source.rel
        files.append(doc.source)
        todo_markers(doc.source, doc.text.splitlines())
        for pos, message, hint in body_problems(doc.body, doc.body_line):
            doc.source.problem(pos, message, hint)
        meta = doc.meta
        if meta is None:
            continue
        number = meta["number"]
        match = _NUMBER.match(number)
        if not match:
            doc.source.problem(meta.value_pos["number"], f"article number {number!r} is not V.CCSSAA",
                               "volume, then two digits each for chapter, section and article, e.g. '1.030106'")
            continue
        if not path.name.startswith(number + "-") and path.stem != number:
            doc.source.problem(meta.value_pos["number"], f"the file name should start with the number {number!r}",
                               f"rename it to {number}-{path.stem.split('-', 1)[-1]}.md")
        if number in articles:
            first = articles[number]
            doc.source.problem(meta.value_pos["number"], f"article number {number} is already used by {first.rel}",
                               "give one of them the next free number in its section")
            continue
        volume, chapter, section, _ = match.groups()
        articles[number] = Article(
            number, meta["title"], meta["summary"], list(meta["tags"]), list(meta.get("stages", [])),
            [{"id": c["id"], "gave": list(c["gave"]), "point": c.get("point")} for c in meta["sources"]],
            list(meta.get("related", [])), doc.body, doc.body_line, rel,
            volume, f"{volume}.{chapter}", f"{volume}.{chapter}{section}", meta, doc.source,
        )
    return dict(sorted(articles.items(), key=lambda item: _sort_key(item[0]))), files


def _sort_key(number: str) -> tuple:
    volume, rest = number.split(".")
    return int(volume), rest


def check_articles(articles: dict[str, Article], outline: dict, sources: dict, stages: set[str]) -> None:
    """References from articles: sections, sources, stages, related articles."""
    for article in articles.values():
        meta, file = article.meta, article.file
        if article.section not in outline["sections"]:
            known = sorted(outline["sections"])
            file.problem(meta.value_pos["number"], f"section {article.section} of article {article.number} is not in rules/outline.yaml",
                         did_you_mean(article.section, known) or "declare the section there first")
        credits = meta.get("sources") or []
        seen: set[str] = set()
        for index, credit in enumerate(credits):
            if credit["id"] not in sources:
                file.problem(credit.value_pos["id"], f"unknown source {credit['id']!r}",
                             did_you_mean(credit["id"], sources) or "declare it in rules/sources.yaml")
            elif credit["id"] in seen:
                file.problem(credits.item_pos[index], f"source {credit['id']!r} is credited twice", "give it one entry that lists everything it gave")
            seen.add(credit["id"])
        for key, known, what in (("stages", stages, "stage"), ("related", articles, "article")):
            values = meta.get(key) or []
            for index, value in enumerate(values):
                if value not in known:
                    hint = did_you_mean(value, known) or ("write it as framework/stage" if key == "stages" else "")
                    file.problem(values.item_pos[index], f"unknown {what} {value!r}", hint)
        if article.number in article.related:
            file.problem(meta.value_pos["related"], "an article cannot be related to itself")
        for offset, line in enumerate(article.body.split("\n")):
            for match in _BODY_LINK.finditer(line):
                if match.group(1) not in articles:
                    file.problem((article.body_line + offset, match.start() + 1), f"link to article {match.group(1)!r}, which does not exist",
                                 did_you_mean(match.group(1), articles) or "link to an article in content/articles/")


def outline_index(outline_data: YMap | None) -> dict:
    """{'volumes': {'1': title}, 'chapters': {'1.03': title}, 'sections': {'1.0301': title},
    'ours': {ids whose title is this knowledge base's own}}."""
    index: dict = {"volumes": {}, "chapters": {}, "sections": {}, "ours": set()}
    for volume in (outline_data or {}).get("volumes", []):
        index["volumes"][volume["number"]] = volume["title"]
        for chapter in volume["chapters"]:
            cid = f"{volume['number']}.{chapter['number']}"
            index["chapters"][cid] = chapter["title"]
            for section in chapter["sections"]:
                index["sections"][f"{cid}{section['number']}"] = section["title"]
                index["ours"] |= {f"{cid}{section['number']}"} if section.get("ours") else set()
            index["ours"] |= {cid} if chapter.get("ours") else set()
        index["ours"] |= {volume["number"]} if volume.get("ours") else set()
    return index


def reference_problems(rel: str, values, pos_list, articles: dict) -> list[Problem]:
    """Problems for article numbers that do not exist."""
    out = []
    for index, number in enumerate(values):
        if number not in articles:
            line, col = pos_list[index]
            out.append(Problem(rel, line, col, f"unknown article {number!r}", did_you_mean(number, articles) or "no article has this number"))
    return out
