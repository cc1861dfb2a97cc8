"""Read YAML into plain data that remembers where every key and value stands.

ruamel.yaml composes the node tree; this module builds dicts and lists from
it, so that a validator can point at ``path:line:col`` for any key, value or
list item. It rejects what a rules file never needs and a reviewer could miss:
duplicate keys and YAML tags (``!!python/object`` and friends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import Problem

Pos = tuple[int, int]  # 1-based line and column

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}


_PARSER = YAML(typ="safe", pure=True)  # composes only: the round-trip scanner's comment handling costs twice as much


class _Rejected:
    """Stands in for a value already reported (a YAML tag), so it is not reported again."""

    def __repr__(self) -> str:
        return "REJECTED"


REJECTED = _Rejected()  # one instance: building a YAML() costs more than composing a small file


class YMap(dict):
    """A mapping with the position of itself, each key and each value."""

    pos: Pos = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}
        self.value_style: dict[str, str | None] = {}


class YList(list):
    """A sequence with the position of itself and of each item."""

    pos: Pos = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.item_pos: list[Pos] = []
        self.item_style: list[str | None] = []


@dataclass
class YamlFile:
    path: Path  # absolute
    rel: str  # as shown in messages
    data: object = None
    problems: list[Problem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def problem(self, pos: Pos, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.rel, pos[0], pos[1], message, hint))


def read_yaml(path: Path, rel: str) -> YamlFile:
    """Load one file; syntax problems go to ``.problems`` and data stays None."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        result = YamlFile(path, rel)
        result.problem((1, 1), f"not UTF-8 text ({err.reason} at byte {err.start})", "save the file as UTF-8")
        return result
    return parse_yaml(text, path, rel)


def parse_yaml(text: str, path: Path, rel: str) -> YamlFile:
    """Like read_yaml, for text already in hand."""
    result = YamlFile(path, rel)
    result.lines = text.splitlines()
    try:
        node = _PARSER.compose(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(err.problem or err.context or "invalid YAML").split())
        result.problem((line, col), f"YAML syntax error: {message}")
        return result
    except YAMLError as err:
        result.problem((1, 1), f"YAML error: {' '.join(str(err).split())}")
        return result
    if node is None:
        result.problem((1, 1), "the file is empty")
        return result
    result.data = _build(node, result)
    return result


def todo_markers(file: YamlFile, lines: list[str], first_line: int = 1) -> None:
    """Refuse unfinished scaffolding: every TODO left by `python -m generator new`."""
    for number, line in enumerate(lines, first_line):
        col = line.find("TODO")
        if col >= 0:
            file.problem((number, col + 1), "unfinished: replace this TODO", "scaffolded files must be filled in before check passes")


def _pos(node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _tag(node) -> str:
    tag = node.tag
    return str(getattr(tag, "value", tag))


def _build(node, file: YamlFile):
    tag = _tag(node)
    if tag not in _ALLOWED_TAGS:
        file.problem(_pos(node), f"YAML tag {tag.replace(_CORE, '!!')!r} is not allowed", "rules files hold plain data: remove the tag")
        return REJECTED
    if isinstance(node, MappingNode):
        out = YMap()
        out.pos = _pos(node)
        for key_node, value_node in node.value:
            key = _build(key_node, file)
            if not isinstance(key, str):
                file.problem(_pos(key_node), f"keys must be text, not {key!r}")
                continue
            if key in out:
                first = out.key_pos[key]
                file.problem(_pos(key_node), f"duplicate key {key!r} (first at line {first[0]})", "remove one of them")
                continue
            out[key] = _build(value_node, file)
            out.key_pos[key] = _pos(key_node)
            out.value_pos[key] = _pos(value_node)
            out.value_style[key] = getattr(value_node, "style", None)
        return out
    if isinstance(node, SequenceNode):
        out_list = YList()
        out_list.pos = _pos(node)
        for item in node.value:
            out_list.append(_build(item, file))
            out_list.item_pos.append(_pos(item))
            out_list.item_style.append(getattr(item, "style", None))
        return out_list
    assert isinstance(node, ScalarNode)
    text = node.value
    if node.style == ">":
        text = text.replace("\a", "")  # ruamel marks folds with BEL for round-tripping
    return _scalar(tag, text)


def _scalar(tag: str, text: str):
    kind = tag[len(_CORE):]
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        digits = text.replace("_", "")
        try:
            return int(digits, 0)
        except ValueError:
            return int(digits, 10)
    if kind == "float":
        lowered = text.lower()
        if lowered.endswith((".inf", ".nan")):
            return float(lowered.replace(".", ""))
        return float(text.replace("_", ""))
    return text  # str, and timestamps kept as written


def expr_pos(lines: list[str], value_pos: Pos, style: str | None, offset: int) -> Pos:
    """The file position of character ``offset`` of a scalar's value.

    Exact for plain, quoted, folded (>) and literal (|) scalars on one or more
    lines: their continuation lines are indented deeper than the key, and a
    line break inside the value, folded or kept, counts as one character.
    """
    line, col = value_pos
    if not 0 < line <= len(lines):
        return line, col + offset

    def indent(text: str) -> int:
        return len(text) - len(text.lstrip(" "))

    key_indent = indent(lines[line - 1])
    quote = 1 if style in ("'", '"') else 0
    segments = [] if style in ("|", ">") else [(line, col + quote, lines[line - 1][col - 1 + quote:])]
    for number in range(line + 1, len(lines) + 1):
        text = lines[number - 1]
        if text.strip() and indent(text) <= key_indent or not text.strip() and style not in ("|", ">"):
            break
        segments.append((number, indent(text) + 1, text.strip()))
    remaining = offset
    for number, start, text in segments:
        if remaining <= len(text):
            return number, start + remaining
        remaining -= len(text) + 1
    return line, col + quote + offset
