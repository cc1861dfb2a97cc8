"""“Referenced by”: every page lists the pages that link to it.

Computed from the generated Markdown in one pass, after every page is rendered
to text and before any is written: links are read from all pages, reversed,
and a section is added to each page that has referrers. Hub pages (indexes,
the glossary, sources, the reference) neither get nor give backlinks: they
link to everything, so listing them would say nothing.
"""

from __future__ import annotations

import posixpath
import re

_LINK = re.compile(r"(?<!\\)(?:\\\\)*\]\(([^)#\s]+\.md)(?:#[^)\s]*)?\)")  # an escaped '\](' (text from md_text) is no link
_TITLE = re.compile(r"^# (.+)$", re.M)
HUBS = ("index.md", "sources.md", "glossary.md", "maintainers/reference.md", "assess/index.md", "questions.md", "tags.md")


def _is_hub(rel: str) -> bool:
    return rel in HUBS or rel.endswith("/index.md") or rel.startswith(("articles/volume-", "articles/chapter-", "tags/"))


def add_backlinks(pages: dict[str, str], words) -> dict[str, str]:
    """pages: docs-relative path -> Markdown. Returns the same with backlink sections appended,
    headed in the language of ``words`` (a ``translate.PageWords``)."""
    heading = words.md_gettext("Referenced by")
    referrers: dict[str, dict[str, str]] = {rel: {} for rel in pages}
    titles = {rel: (m.group(1).strip() if (m := _TITLE.search(text)) else rel) for rel, text in pages.items()}
    for rel, text in pages.items():
        if _is_hub(rel):
            continue
        base = posixpath.dirname(rel)
        for target in _LINK.findall(text):
            resolved = posixpath.normpath(posixpath.join(base, target))
            if resolved in referrers and resolved != rel and not _is_hub(resolved):
                referrers[resolved][rel] = titles[rel]
    out = {}
    for rel, text in pages.items():
        found = referrers[rel]
        if not found:
            out[rel] = text
            continue
        base = posixpath.dirname(rel)
        items = "\n".join(
            f"- [{title}]({_relative(source, base)})" for source, title in sorted(found.items(), key=lambda kv: kv[1].lower())
        )
        out[rel] = text.rstrip("\n") + f"\n\n## {heading}\n\n{items}\n"
    return out


def _relative(target: str, base: str) -> str:
    """posixpath.relpath for two docs-relative paths, without its trips to the file system."""
    target_parts, base_parts = target.split("/"), base.split("/") if base else []
    common = 0
    while common < min(len(base_parts), len(target_parts) - 1) and base_parts[common] == target_parts[common]:
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + target_parts[common:])
