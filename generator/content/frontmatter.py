"""Markdown files with a YAML front matter, validated like rules files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..rules.model import Field
from ..rules.validate import Collector, check_mapping
from ..rules.yamlfile import YamlFile, YMap, parse_yaml, read_source


@dataclass
class MarkdownFile:
    rel: str
    meta: YMap | None
    body: str
    body_line: int  # 1-based line where the body starts
    source: YamlFile  # holds positions and problems, at the file's own line numbers
    text: str = ""  # the whole file as read


def read_markdown(path: Path, rel: str, fields: tuple[Field, ...], what: str, found: Collector | None = None) -> MarkdownFile:
    """Split and validate; problems land in ``.source.problems`` with the file's own line numbers."""
    holder = YamlFile(path, rel)
    text, problem = read_source(path, rel)
    if problem:
        holder.problems.append(problem)
        return MarkdownFile(rel, None, "", 1, holder, "")
    if not text.startswith("---\n"):
        holder.problem((1, 1), "missing front matter", "start the file with a '---' line, the fields, and another '---' line")
        return MarkdownFile(rel, None, text, 1, holder, text)
    end = text.find("\n---\n", 3)  # from 3: an empty front matter closes at once
    if end < 0:
        holder.problem((1, 1), "front matter is not closed", "end it with a line holding only '---'")
        return MarkdownFile(rel, None, text, 1, holder, text)
    front = text[4:end + 1]
    if front.strip():
        parsed = parse_yaml(front, path, rel, first_line=2)  # positions are the file's own: no shifting afterwards
        holder.problems.extend(parsed.problems)
        holder.lines = parsed.lines  # so that a position inside a value (an escape, a fact) is exact
        meta = parsed.data
    else:
        meta = YMap()  # empty: each required field is reported missing
    if meta is not None and not check_mapping(meta, fields, holder, (2, 1), what, found or Collector()):
        meta = None
    raw = text[end + 5:]
    lead = raw[: len(raw) - len(raw.lstrip())]
    body_line = text[: end + 5].count("\n") + 1 + lead.count("\n")
    return MarkdownFile(rel, meta, raw.strip() + "\n", body_line, holder, text)
