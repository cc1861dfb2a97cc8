"""Hand-written page texts under content/pages/: Markdown with a title in front matter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from ..render.html_policy import body_problems
from ..rules.model import Field
from ..sources import list_files
from .frontmatter import read_markdown

PAGE_FIELDS = (Field("title", "line", "The page's title (its first heading)."),)
REQUIRED_PAGES = ("home", "assess", "milestones", "questions", "sources")


@dataclass(frozen=True)
class Page:
    name: str
    rel: str
    title: str
    body: str
    body_line: int = 1


def load_pages(root: Path, sections: tuple[str, ...] = ()) -> tuple[dict[str, Page], list[Problem]]:
    """Load content/pages/; ``sections`` names the optional section pages the rules call for."""
    pages: dict[str, Page] = {}
    problems: list[Problem] = []
    listing = list_files(root, "content/pages", suffix=".md", recursive=False)
    problems.extend(listing.problems)  # links and unsafe names: reported, never read
    for path in listing.files:
        rel = path.relative_to(root).as_posix()
        page = read_markdown(path, rel, PAGE_FIELDS, "front matter")
        for pos, message, hint in body_problems(page.body, page.body_line):
            page.source.problem(pos, message, hint)
        problems.extend(page.source.problems)
        if page.meta is not None and not page.source.problems:
            pages[path.stem] = Page(path.stem, rel, page.meta["title"], page.body, page.body_line)
    for name in (*REQUIRED_PAGES, *sections):
        if name not in pages and not any(p.path.endswith(f"/{name}.md") for p in problems):
            problems.append(Problem(f"content/pages/{name}.md", 1, 1, "missing page text",
                                    "every site needs this page; copy another page's front matter"))
    return pages, problems
