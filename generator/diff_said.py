"""What results and pages say: the texts a change rewrites, beyond its outcomes.

A question's noun, a milestone's title or a flag's explanation moves no
outcome, yet it rewrites every ``why`` that mentions it and every page that
shows it. ``diff`` therefore compares the whole engine result of each
profile, text by text, and the Markdown of every generated page (rendered
without MkDocs, which adds nothing a rules or content change can alter).
"""

from __future__ import annotations

import difflib
import re
import tempfile
from pathlib import Path

from .errors import escaped
from .knowledge import Knowledge
from .render.pages import render_docs
from .render.translate import site_words
from .site.layers import template_dirs

EXCERPT_LINES = 12  # diff lines shown per page; the rest is counted
LINE_LIMIT = 200  # characters of one excerpt line
# Result fields that are outcomes: diff reports those as outcome changes, not as texts.
OUTCOME = re.compile(r"milestones\.[^.]+\.status|next_goal|stages\.[^.]+|flags\[[^\]]*\]\.id")


def flatten(value: object, path: str = "") -> dict[str, object]:
    """Every text, number and list in a result by its path: ``milestones.m3.why``, ``flags[too-niche].why``.

    Lists of records are keyed by each record's id (or number), so a flag raised
    before another one does not shift every later path.
    """
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(value, list) and value and all(isinstance(i, dict) and ("id" in i or "number" in i) for i in value):
        out = {}
        for item in value:
            out.update(flatten(item, f"{path}[{item.get('id', item.get('number'))}]"))
        return out
    return {path: value}


def said_changes(before: dict, after: dict) -> list[tuple[str, object, object]]:
    """(path, was, now) for every text or value both results hold that reads differently, outcomes aside.

    A path only one side holds (a flag raised on one side only) is an outcome change, reported as such.
    """
    was, now = flatten(before), flatten(after)
    return [(path, was[path], now[path]) for path in was
            if path in now and was[path] != now[path] and not OUTCOME.fullmatch(path)]


def rendered_pages(knowledge: Knowledge, root: Path) -> dict[str, str]:
    """The Markdown of every generated page, by its path under docs/, as the build would write it."""
    with tempfile.TemporaryDirectory(prefix="kb-diff-pages-") as out:
        written = render_docs(knowledge, Path(out), template_dirs(root), site_words(root))  # as the build words them
        return {rel: (Path(out) / rel).read_text(encoding="utf-8") for rel in written}


def page_changes(before: dict[str, str], after: dict[str, str]) -> dict:
    """Pages that say something different (each with a short unified excerpt), pages added and removed."""
    changed = [rel for rel in sorted(before.keys() & after.keys()) if before[rel] != after[rel]]
    return {
        "changed": [{"page": rel, "excerpt": excerpt(before[rel], after[rel])} for rel in changed],
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
    }


def excerpt(old: str, new: str, limit: int = EXCERPT_LINES) -> list[str]:
    """The unified diff of two pages without its file header, one line of context, at most ``limit`` lines.

    Lines are escaped and cut short: a page's text is shown, never interpreted, wherever the report goes.
    """
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1))[2:]  # after ---/+++
    shown = [escaped(line, LINE_LIMIT) for line in lines[:limit]]
    return shown + [f"… {len(lines) - limit} more lines"] if len(lines) > limit else shown
