"""“Referenced by”: every page lists the pages that link to it.

Computed from the generated Markdown in one pass, after every page is rendered
to text and before any is written: links are read from all pages, reversed,
and a section is added to each page that has referrers. Hub pages (indexes,
the glossary, sources, the reference) neither get nor give backlinks: they
link to everything, so listing them would say nothing.

Pages of different kinds may bear near-identical titles (a stage page and the
article about that stage), so the section lists its referrers by kind, each
under its section's own title in the order ``kinds`` gives, and a page of a
kind may name what it belongs to before its title, in the link ("<framework>: <stage>").
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

_LINK = re.compile(r"(?<!\\)(?:\\\\)*\]\(([^)#\s]+\.md)(?:#[^)\s]*)?\)")  # an escaped '\](' (text from md_text) is no link
_TITLE = re.compile(r"^# (.+)$", re.M)
HUBS = ("index.md", "sources.md", "glossary.md", "maintainers/reference.md", "assess/index.md", "questions.md", "tags.md")


@dataclass(frozen=True)
class Kind:
    """What a page is, for the lists that name it: its section's title (a heading, Markdown) and the
    words said before its own title (Markdown, e.g. "The Four Steps: "), if any."""

    section: str
    prefix: str = ""


def _is_hub(rel: str) -> bool:
    return rel in HUBS or rel.endswith("/index.md") or rel.startswith(("articles/volume-", "articles/chapter-", "tags/"))


def add_backlinks(pages: dict[str, str], words, kinds: dict[str, Kind] | None = None) -> dict[str, str]:
    """pages: docs-relative path -> Markdown. Returns the same with backlink sections appended,
    headed in the language of ``words`` (a ``translate.PageWords``). ``kinds``: each page's kind
    (in the order its sections are to be listed); referrers of no kind are listed first, unheaded."""
    kinds = kinds or {}
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
    sections = list(dict.fromkeys(kind.section for kind in kinds.values()))
    out = {}
    for rel, text in pages.items():
        found = referrers[rel]
        if not found:
            out[rel] = text
            continue
        base = posixpath.dirname(rel)
        groups: dict[str, list[str]] = {}
        for source, title in sorted(found.items(), key=lambda kv: (kinds[kv[0]].prefix.lower() if kv[0] in kinds else "", kv[1].lower())):
            kind = kinds.get(source)
            groups.setdefault(kind.section if kind else "", []).append(f"- [{kind.prefix if kind else ''}{title}]({_relative(source, base)})")
        blocks = ["\n".join(groups[""])] if "" in groups else []
        blocks += [f"### {section}\n\n" + "\n".join(groups[section]) for section in sections if section in groups]
        out[rel] = text.rstrip("\n") + f"\n\n## {heading}\n\n" + "\n\n".join(blocks) + "\n"
    return out


def _relative(target: str, base: str) -> str:
    """posixpath.relpath for two docs-relative paths, without its trips to the file system."""
    target_parts, base_parts = target.split("/"), base.split("/") if base else []
    common = 0
    while common < min(len(base_parts), len(target_parts) - 1) and base_parts[common] == target_parts[common]:
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + target_parts[common:])
