"""Read YAML into plain data that remembers where every key and value stands.

The parser (libyaml through PyYAML, which MkDocs already brings; PyYAML's own
pure-Python parser where libyaml is missing) turns the text into events; this
module composes dicts and lists from them, so that a validator can point at
``path:line:col`` for any key, value or list item. Plain scalars are resolved
by the YAML 1.2 core schema (``yes`` and ``on`` stay text). It rejects what a
rules file never needs and a reviewer could miss: duplicate keys, more than
one document, YAML tags (``!!python/object`` and friends; the core ones only
where their value fits them, so ``!!int abc`` and ``!!bool maybe`` are
refused), and anchors and aliases, whose expansion can turn a few hundred
bytes into gigabytes. Whatever the text, reading takes time in proportion to
its size: collections nest at most MAX_DEPTH levels, numbers have at most
MAX_NUMBER characters, and the caller may cap the number of values.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.error import MarkedYAMLError, YAMLError

from ..errors import Problem
from ..scoring.answers import escaped, shown
from ..sources import read_bytes, unreadable

Pos = tuple[int, int]  # 1-based line and column

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser where present; both yield the same events
MAX_DEPTH = 32  # rules nest five levels at most; the composer recurses once per level
MAX_NUMBER = 100  # characters; Python refuses to read integers of more than 4,300 digits

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

    def __reduce__(self) -> str:
        return "REJECTED"  # the one instance, also through pickle or copy


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
    data: Any = None  # a YMap once the file's shape is checked; any YAML value before
    problems: list[Problem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def problem(self, pos: Pos, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.rel, pos[0], pos[1], message, hint))


def read_yaml(path: Path, rel: str) -> YamlFile:
    """Load one file; syntax problems go to ``.problems`` and data stays None."""
    text, problem = read_source(path, rel)
    if problem:
        result = YamlFile(path, rel)
        result.problems.append(problem)
        return result
    return parse_yaml(text, path, rel)


def read_source(path: Path, rel: str) -> tuple[str, Problem | None]:
    """A listed file's text (read by ``sources.read_bytes``: never through a link), or a problem."""
    try:
        data = read_bytes(path)
    except OSError as err:
        return "", unreadable(rel, err)
    return decode(data, rel)


def decode(data: bytes, rel: str) -> tuple[str, Problem | None]:
    """UTF-8 bytes as text with universal newlines (as ``Path.read_text`` gives), or a problem at the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        start = data.rfind(b"\n", 0, err.start) + 1
        col = len(data[start:err.start].decode("utf-8", errors="replace")) + 1
        bad = data[err.start:err.end].hex(" ")
        return "", Problem(rel, line, col, f"not UTF-8 text: {err.reason} (byte {bad})", "save the file as UTF-8")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def parse_yaml(text: str, path: Path, rel: str, first_line: int = 1, max_nodes: int | None = None) -> YamlFile:
    """Like read_yaml, for text already in hand.

    ``first_line``: where the text starts in its file (front matter starts on
    line 2), so that every position is the file's own. ``max_nodes``: refuse
    text holding more values than this, as soon as the reader gets there.
    """
    result = YamlFile(path, rel)
    text = "\n" * (first_line - 1) + text
    result.lines = text.splitlines()
    try:
        loader = _LOADER(text)
        try:
            result.data = _Composer(result, loader.get_event, max_nodes).document()
        finally:
            loader.dispose()
    except _TooMany as err:
        result.problems = [Problem(rel, *err.pos, f"too many values: more than {max_nodes:,}", "nothing this program reads needs so many")]
        result.data = None
    except yaml.reader.ReaderError as err:
        result.problems = [_unreadable(text, rel, err)]
        result.data = None
    except UnicodeEncodeError as err:  # libyaml takes UTF-8: a lone surrogate cannot get there
        result.problems = [Problem(rel, *_line_col(text, err.start), f"character {escaped(err.object[err.start])} is not allowed",
                                   "save the file as UTF-8")]
        result.data = None
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


def _line_col(text: str, index: int) -> Pos:
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def _unreadable(text: str, rel: str, err: yaml.reader.ReaderError) -> Problem:
    """A control character: at its own position (libyaml counts bytes, PyYAML characters; the character says where)."""
    char = err.character if isinstance(err.character, str) else chr(err.character)
    index = text.find(char)
    line, col = _line_col(text, index) if index >= 0 else (1, 1)
    return Problem(rel, line, col, f"control character {escaped(char)} is not allowed in YAML", "remove it")


class _TooMany(Exception):
    def __init__(self, pos: Pos) -> None:
        self.pos = pos


class _Refused(Exception):
    """A scalar that cannot be read as what it says it is."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint


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

    def __init__(self, file: YamlFile, next_event, max_nodes: int | None = None) -> None:
        self.file = file
        self.next = next_event  # the parser's own get_event: no generator between us and it
        self.max_nodes = max_nodes
        self.nodes = 0
        self.depth = 0
        self.aliases_reported = False

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
            self.file.problem(_pos(extra), "a second YAML document ('---') in one file",
                              "one file holds one document: remove the '---' or split the file")
        return data

    def node(self, event):
        if isinstance(event, yaml.AliasEvent):
            self._refuse_alias(event, f"alias '*{escaped(event.anchor)}'")
            return REJECTED
        self.nodes += 1
        if self.max_nodes is not None and self.nodes > self.max_nodes:
            raise _TooMany(_pos(event))
        if event.anchor is not None:
            self._refuse_alias(event, f"anchor '&{escaped(event.anchor)}'")
        problem = _tag_problem(event)
        if problem:
            self.file.problem(_pos(event), *problem)
            self._skip(event)
            return REJECTED
        if isinstance(event, yaml.ScalarEvent):
            try:
                return _scalar(event)
            except _Refused as refused:
                self.file.problem(_pos(event), refused.message, refused.hint)
                return REJECTED
        if self.depth == MAX_DEPTH:
            self.file.problem(_pos(event), f"nested more than {MAX_DEPTH} levels deep", "flatten it: nothing read here nests so deep")
            self._skip(event)
            return REJECTED
        self.depth += 1
        value = self._mapping(event) if isinstance(event, yaml.MappingStartEvent) else self._sequence(event)
        self.depth -= 1
        return value

    def _refuse_alias(self, event, what: str) -> None:
        """Aliases repeat a value without writing it out: nine lines of them expand to gigabytes. The first is reported."""
        if not self.aliases_reported:
            self.aliases_reported = True
            self.file.problem(_pos(event), f"YAML {what} is not allowed", "write each value out in full: anchors (&) and aliases (*) are refused")

    def _mapping(self, start) -> YMap:
        out = YMap()
        out.pos = _pos(start)
        while not isinstance(event := self.next(), yaml.MappingEndEvent):
            key = self.node(event)
            value_event = self.next()
            value = self.node(value_event)
            if not isinstance(key, str):
                if key is not REJECTED:
                    self.file.problem(_pos(event), f"keys must be text, not {shown(key)}")
                continue
            if key in out:
                first = out.key_pos[key]
                self.file.problem(_pos(event), f"duplicate key {shown(key)} (first at line {first[0]})", "remove one of them")
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


def _tag_problem(event) -> tuple[str, str] | None:
    """(message, hint) when the node's tag is not allowed, or does not fit the kind of node it tags."""
    tag = event.tag
    if tag is None:
        return None
    short = escaped(tag.replace(_CORE, "!!"))
    if tag == "!":  # the parser marks '! 3' as implicit: it would be read as the number 3
        return "the non-specific tag '!' is not allowed", "remove it; quote the value if it is text"
    if tag not in _ALLOWED_TAGS:
        return f"YAML tag {short!r} is not allowed", "only plain data is read: remove the tag"
    kind = "mapping" if isinstance(event, yaml.MappingStartEvent) else "sequence" if isinstance(event, yaml.SequenceStartEvent) else "scalar"
    fits = {"mapping": {_CORE + "map"}, "sequence": {_CORE + "seq"}}.get(kind, _ALLOWED_TAGS - {_CORE + "map", _CORE + "seq"})
    if tag not in fits:
        return f"YAML tag {short!r} cannot tag a {'single value' if kind == 'scalar' else kind}", "remove the tag"
    return None


def _style(event) -> str | None:
    return getattr(event, "style", None) or None  # libyaml says '' for plain, PyYAML None


def _resolve(text: str) -> str:
    if text and text[0] not in _MAYBE_NOT_TEXT:
        return _CORE + "str"  # most values: words
    for kind, pattern in _PATTERNS:
        if pattern.fullmatch(text):
            return _CORE + kind
    return _CORE + "str"


_PATTERNS = (("null", _NULL), ("bool", _BOOL), ("int", _INT), ("float", _FLOAT))
_WRITE = {"null": "write null, or nothing", "bool": "write true or false", "int": "write a whole number such as 42",
          "float": "write a number such as 2.5"}


def _scalar(event):
    """The value of a scalar, by its tag or, untagged and plain, by what it looks like; raises _Refused."""
    text = event.value
    implicit = event.implicit[0]
    tag = _resolve(text) if implicit else event.tag or _CORE + "str"
    kind = tag[len(_CORE):]
    if kind in _WRITE and not implicit and not dict(_PATTERNS)[kind].fullmatch(text):
        raise _Refused(f"{shown(text)} is not a valid !!{kind}", _WRITE[kind])
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind in ("int", "float") and len(text) > MAX_NUMBER:
        raise _Refused(f"the number {escaped(text, 20)} is too long: {len(text):,} characters (at most {MAX_NUMBER})",
                       "quote it if it is meant as text")
    if kind == "int":
        digits = text.replace("_", "")
        for base in (0, 10):  # 0: 0x1F and 0o17; 10: 0012
            try:
                return int(digits, base)
            except ValueError:
                pass
        if implicit:
            return text  # '0x_' looks like a number but is none
        raise _Refused(f"{shown(text)} is not a valid !!int", _WRITE["int"])
    if kind == "float":
        lowered = text.lower()
        if lowered.endswith((".inf", ".nan")):
            return float(lowered.replace(".", ""))
        value = float(text.replace("_", ""))
        if math.isinf(value):
            raise _Refused(f"the number {escaped(text, 20)} is too large", "write .inf if infinity is meant")
        return value
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
