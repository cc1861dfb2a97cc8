"""Markdown files with a YAML front matter, validated like rules files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..rules.model import Field
from ..rules.validate import Collector, check_mapping
from ..rules.yamlfile import YamlFile, YMap, parse_yaml


@dataclass
class MarkdownFile:
    rel: str
    meta: YMap | None
    body: str
    body_line: int  # 1-based line where the body starts
    source: YamlFile  # holds positions and problems (lines shifted to the file's own)
    text: str = ""  # the whole file as read


def read_markdown(path: Path, rel: str, fields: tuple[Field, ...], what: str, found: Collector | None = None) -> MarkdownFile:
    """Split and validate; problems land in ``.source.problems`` with the file's own line numbers."""
    text = path.read_text(encoding="utf-8")
    holder = YamlFile(path, rel)
    if not text.startswith("---\n"):
        holder.problem((1, 1), "missing front matter", "start the file with a '---' line, the fields, and another '---' line")
        return MarkdownFile(rel, None, text, 1, holder, text)
    end = text.find("\n---\n", 4)
    if end < 0:
        holder.problem((1, 1), "front matter is not closed", "end it with a line holding only '---'")
        return MarkdownFile(rel, None, text, 1, holder, text)
    parsed = parse_yaml(text[4:end + 1], path, rel)
    _shift(parsed.data)
    for problem in parsed.problems:
        holder.problem((problem.line + 1, problem.col), problem.message, problem.hint)
    meta = parsed.data
    if meta is not None and not check_mapping(meta, fields, holder, (2, 1), what, found or Collector()):
        meta = None
    raw = text[end + 5:]
    lead = raw[: len(raw) - len(raw.lstrip())]
    body_line = text[: end + 5].count("\n") + 1 + lead.count("\n")
    return MarkdownFile(rel, meta, raw.strip() + "\n", body_line, holder, text)


def _shift(node) -> None:
    """Front matter starts on line 2 of the file: move every recorded position down one line."""
    if isinstance(node, dict):
        node.pos = (node.pos[0] + 1, node.pos[1])
        for table in (node.key_pos, node.value_pos):
            for key, (line, col) in table.items():
                table[key] = (line + 1, col)
        for value in node.values():
            _shift(value)
    elif isinstance(node, list):
        node.pos = (node.pos[0] + 1, node.pos[1])
        node.item_pos[:] = [(line + 1, col) for line, col in node.item_pos]
        for value in node:
            _shift(value)
