"""Hand-written page texts under content/pages/: Markdown with a YAML front matter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, UserError
from .rules.model import Field
from .rules.validate import Collector, check_mapping
from .rules.yamlfile import parse_yaml

PAGE_FIELDS = (Field("title", "line", "The page's title (its first heading)."),)
REQUIRED_PAGES = ("home", "assess", "milestones", "questions", "sources")


@dataclass(frozen=True)
class Page:
    name: str
    rel: str
    title: str
    body: str


def load_pages(root: Path, sections: tuple[str, ...] = ()) -> dict[str, Page]:
    """Load content/pages/; ``sections`` names the optional section pages the rules call for."""
    pages: dict[str, Page] = {}
    problems: list[Problem] = []
    folder = root / "content" / "pages"
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            problems.append(Problem(rel, 1, 1, "missing front matter", "start the file with a '---' line, 'title: …', and '---'"))
            continue
        end = text.find("\n---\n", 4)
        if end < 0:
            problems.append(Problem(rel, 1, 1, "front matter is not closed", "end it with a line holding only '---'"))
            continue
        meta = parse_yaml(text[4:end + 1], path, rel)
        if meta.data is not None:
            check_mapping(meta.data, PAGE_FIELDS, meta, (2, 1), "front matter", Collector())
        problems.extend(Problem(p.path, p.line + 1, p.col, p.message, p.hint) for p in meta.problems)
        if not meta.problems:
            pages[path.stem] = Page(path.stem, rel, meta.data["title"], text[end + 5:].strip() + "\n")
    for name in (*REQUIRED_PAGES, *sections):
        if name not in pages and not any(p.path.endswith(f"/{name}.md") for p in problems):
            problems.append(Problem(f"content/pages/{name}.md", 1, 1, "missing page text", "every site needs this page; copy another page's front matter"))
    if problems:
        raise UserError(sorted(problems))
    return pages
