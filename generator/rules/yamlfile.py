"""Read YAML into plain data that remembers where every key and value stands.

The parser (libyaml through PyYAML, which MkDocs already brings; PyYAML's own
pure-Python parser where libyaml is missing) turns the text into events; this
module composes dicts and lists from them, so that a validator can point at
``path:line:col`` for any key, value or list item. Plain scalars are resolved
by the YAML 1.2 core schema (``yes`` and ``on`` stay text). It rejects what a
rules file never needs and a reviewer could miss: duplicate keys, more than
one document, and YAML tags (``!!python/object`` and friends).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.error import MarkedYAMLError, YAMLError

from ..errors import Problem

Pos = tuple[int, int]  # 1-based line and column

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser where present; both yield the same events

# The YAML 1.2 core schema, with the digit separators ruamel.yaml also accepts.
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+")
_MAYBE_NOT_TEXT = frozenset("~nNtTfF0123456789+-.")
_FLOAT = re.compile(r"[-+]?(\.[0-9][0-9_]*|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


class _Rejected:
    """Stands in for a value already reported (a YAML tag), so it is not reported again."""

    def __repr__(self) -> str:
        return "REJECTED"


REJECTED = _Rejected()


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
        loader = _LOADER(text)
        try:
            result.data = _Composer(result, loader.get_event).document()
        finally:
            loader.dispose()
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(err.problem or err.context or "invalid YAML").split())
        result.problems = [Problem(rel, line, col, f"YAML syntax error: {message}", _where_it_started(err))]
        result.data = None
    except YAMLError as err:
        result.problems = [Problem(rel, 1, 1, f"YAML error: {' '.join(str(err).split())}")]
        result.data = None
    return result


def _where_it_started(err: MarkedYAMLError) -> str:
    """'while parsing a flow sequence' at 4:8 -> a hint that points at the opening bracket or quote."""
    mark, problem, context = err.context_mark, err.problem_mark, err.context or ""
    if mark is None or not context.startswith(("while parsing a ", "while scanning a ")):
        return ""
    if problem is not None and (mark.line, mark.column) == (problem.line, problem.column):
        return ""  # it started where it went wrong: the message's position says it all
    what = context.split(" a ", 1)[1]
    return f"look at the {what} that starts at line {mark.line + 1}, column {mark.column + 1}"


def todo_markers(file: YamlFile, lines: list[str], first_line: int = 1) -> None:
    """Refuse unfinished scaffolding: every TODO left by `python -m generator new`."""
    for number, line in enumerate(lines, first_line):
        col = line.find("TODO")
        if col >= 0:
            file.problem((number, col + 1), "unfinished: replace this TODO", "scaffolded files must be filled in before check passes")


def _pos(event) -> Pos:
    return event.start_mark.line + 1, event.start_mark.column + 1


class _Composer:
    """Builds YMap / YList / scalars from a stream of parser events, one pass."""

    def __init__(self, file: YamlFile, next_event) -> None:
        self.file = file
        self.next = next_event  # the parser's own get_event: no generator between us and it
        self.anchors: dict[str, object] = {}

    def document(self):
        self.next()  # StreamStart
        event = self.next()
        if isinstance(event, yaml.StreamEndEvent):
            self.file.problem((1, 1), "the file is empty")
            return None
        data = self.node(self.next())
        self.next()  # DocumentEnd
        extra = self.next()
        if isinstance(extra, yaml.DocumentStartEvent):
            self.file.problem(_pos(extra), "a second YAML document ('---') in one file", "one file holds one document: remove the '---' or split the file")
        return data

    def node(self, event):
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                self.file.problem(_pos(event), f"alias *{event.anchor} names no anchor above it", f"define '&{event.anchor}' before using it")
                return REJECTED
            return self.anchors[event.anchor]
        tag = event.tag
        if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
            self.file.problem(_pos(event), f"YAML tag {tag.replace(_CORE, '!!')!r} is not allowed", "rules files hold plain data: remove the tag")
            value = REJECTED
            self._skip(event)
        elif isinstance(event, yaml.MappingStartEvent):
            value = self._mapping(event)
        elif isinstance(event, yaml.SequenceStartEvent):
            value = self._sequence(event)
        else:
            value = _scalar(_resolve(event.value) if event.implicit[0] else tag or _CORE + "str", event.value)
        if event.anchor is not None:
            self.anchors[event.anchor] = value
        return value

    def _mapping(self, start) -> YMap:
        out = YMap()
        out.pos = _pos(start)
        while not isinstance(event := self.next(), yaml.MappingEndEvent):
            key = self.node(event)
            value_event = self.next()
            value = self.node(value_event)
            if not isinstance(key, str):
                if key is not REJECTED:
                    self.file.problem(_pos(event), f"keys must be text, not {key!r}")
                continue
            if key in out:
                first = out.key_pos[key]
                self.file.problem(_pos(event), f"duplicate key {key!r} (first at line {first[0]})", "remove one of them")
                continue
            out[key] = value
            out.key_pos[key] = _pos(event)
            out.value_pos[key] = _pos(value_event)
            out.value_style[key] = _style(value_event)
        return out

    def _sequence(self, start) -> YList:
        out = YList()
        out.pos = _pos(start)
        while not isinstance(event := self.next(), yaml.SequenceEndEvent):
            out.append(self.node(event))
            out.item_pos.append(_pos(event))
            out.item_style.append(_style(event))
        return out

    def _skip(self, event) -> None:
        """Consume the rest of a rejected collection."""
        depth = int(isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)))
        while depth:
            event = self.next()
            depth += isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
            depth -= isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent))


def _style(event) -> str | None:
    return getattr(event, "style", None) or None  # libyaml says '' for plain, PyYAML None


def _resolve(text: str) -> str:
    if text and text[0] not in _MAYBE_NOT_TEXT:
        return _CORE + "str"  # most values: words
    for kind, pattern in (("null", _NULL), ("bool", _BOOL), ("int", _INT), ("float", _FLOAT)):
        if pattern.fullmatch(text):
            return _CORE + kind
    return _CORE + "str"


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
