"""Check loaded YAML against the model declaration (``model.py``).

Shape problems (missing, unknown or mistyped fields) are reported here, with
positions. References and conditions are only collected: they are resolved in
one pass once every file is loaded, so the order of files never matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import did_you_mean, shown
from ..render.html_policy import markup_problems
from ..render.script_ids import why_reserved
from ..scoring.answers import LARGEST
from .characters import MULTI_LINE, ONE_LINE, first_unsafe, mapping_problems, problem, written_at
from .line_text import line_markup_problems
from .model import ID_PATTERN, KB_ID_PATTERN, Field
from .yamlfile import REJECTED, Pos, YamlFile, YList, YMap, expr_pos

_ID = re.compile(ID_PATTERN)
_KB_ID = re.compile(KB_ID_PATTERN)


@dataclass(frozen=True)
class Ref:
    kind: str
    id: str
    file: YamlFile
    pos: Pos


@dataclass(frozen=True)
class Expr:
    source: str
    file: YamlFile
    pos: Pos
    style: str | None


class Collector:
    """What shape validation found that needs the whole rule set to judge."""

    def __init__(self) -> None:
        self.refs: list[Ref] = []
        self.exprs: list[Expr] = []
        self.texts: list[tuple[str, YamlFile, Pos, str | None]] = []  # text fields, for rule facts (render/facts.py)


def check_mapping(data: object, fields: tuple[Field, ...], file: YamlFile, pos: Pos, what: str, found: Collector) -> bool:
    """Validate a mapping in place (defaults filled in); False if it is unusable."""
    if data is REJECTED:
        return False  # already reported where it was read
    if not isinstance(data, YMap):
        file.problem(pos, f"{what} must be a mapping of keys to values, not {_kind(data)}")
        return False
    declared = {f.name: f for f in fields}
    ok = True
    for key in data:
        if key not in declared:
            hint = did_you_mean(key, declared) or "allowed keys: " + ", ".join(declared)
            file.problem(data.key_pos[key], f"unknown key {shown(key)} in {what}", hint)
            ok = False
    for f in fields:
        if f.name not in data:
            if f.required:
                file.problem(data.pos, f"{what} is missing the key {f.name!r}", f.doc)
                ok = False
            elif f.default is not None:
                data[f.name] = f.default
            continue
        value = data[f.name]
        if value is None and f.nullable:
            continue
        style = data.value_style.get(f.name)
        ok &= check_value(value, f, f.type, file, data.value_pos[f.name], style, f"{what}.{f.name}", found)
    return ok


def check_value(value: object, f: Field, ftype: str, file: YamlFile, pos: Pos, style, what: str, found: Collector) -> bool:
    if value is REJECTED:
        return False  # already reported where it was read
    if ftype.startswith("list:"):
        if not isinstance(value, YList):
            file.problem(pos, f"{what} must be a list, not {_kind(value)}")
            return False
        ok = True
        for index, item in enumerate(value):
            item_pos, item_style = value.item_pos[index], value.item_style[index]
            ok &= check_value(item, f, ftype[5:], file, item_pos, item_style, f"{what}[{index + 1}]", found)
        return ok
    if ftype == "object":
        return check_mapping(value, f.fields, file, pos, what, found)
    if ftype == "mapping":
        if not isinstance(value, YMap):
            file.problem(pos, f"{what} must be a mapping, not {_kind(value)}")
            return False
        for at, message, hint in mapping_problems(value, file.lines, what):
            file.problem(at, message, hint)
        return True
    if ftype in ("int", "number"):
        good = isinstance(value, int) if ftype == "int" else isinstance(value, (int, float))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not good:
            file.problem(pos, f"{what} must be {'a whole number' if ftype == 'int' else 'a number'}, not {_kind(value)}")
            return False
        if not -LARGEST < value < LARGEST:  # also refuses .inf and .nan: no answer could meet or miss them
            file.problem(pos, f"{what} must be a number between -{LARGEST:,} and {LARGEST:,}, not {_kind(value)}")
            return False
        return True
    if ftype == "bool":
        if not isinstance(value, bool):
            hint = "YAML 1.2 reads only true and false as yes/no values" if isinstance(value, str) else ""
            file.problem(pos, f"{what} must be true or false, not {_kind(value)}", hint)
            return False
        return True
    if not isinstance(value, str):
        file.problem(pos, f"{what} must be text, not {_kind(value)}", "quote it if it is meant as text")
        return False
    allowed = MULTI_LINE if ftype == "text" else ONE_LINE
    bad = first_unsafe(value, allowed)
    if bad is not None:
        file.problem(written_at(file.lines, pos, style, allowed), *problem(what, value[bad]))
        if ftype not in ("line", "text"):
            return False  # an id, a choice or a condition with it in is unusable; a text still gets its other checks
    if not value.strip():
        file.problem(pos, f"{what} is empty")
        return False
    if ftype == "line" and "\n" in value.strip():
        file.problem(pos, f"{what} must fit on one line")
        return False
    if ftype in ("line", "text"):
        report_unsafe_text(value, file, pos, style, what)  # reported, but the value stays usable: no knock-on errors
        if ftype == "line":
            for offset, syntax, hint in line_markup_problems(value):
                file.problem(expr_pos(file.lines, pos, style, offset), f"{what}: {syntax} is not allowed in a one-line field", hint)
        if "[[" in value:
            found.texts.append((value, file, pos, style))
    if ftype in ("id",) or ftype.startswith("ref:"):
        if not _ID.fullmatch(value):  # fullmatch: '$' alone lets a trailing line break through
            file.problem(pos, f"{what} {shown(value)} is not a valid id", "use lower-case letters, digits, '-' or '_', starting with a letter")
            return False
        if ftype.startswith("ref:"):
            found.refs.append(Ref(ftype[4:], value, file, pos))
        elif why_reserved(value):  # glossary, question and source ids become anchors on pages
            file.problem(pos, f"{what} {shown(value)} is used by the site's scripts", why_reserved(value))
        return True
    if ftype == "kb-id":
        if not _KB_ID.fullmatch(value):
            file.problem(pos, f"{what} {shown(value)} is not a valid knowledge-base id",
                         "use at most 40 lower-case ASCII letters, digits and '-', starting with a letter, e.g. 'plant-care'")
            return False
        return True
    if ftype == "enum" and value not in f.choices:
        hint = did_you_mean(value, f.choices) or "one of: " + ", ".join(f.choices)
        file.problem(pos, f"{what} {shown(value)} is not allowed", hint)
        return False
    if ftype == "expr":
        found.exprs.append(Expr(value, file, pos, style))
    return True


def report_unsafe_text(text: str, file: YamlFile, pos: Pos, style: str | None, what: str) -> None:
    """A problem, at the exact column, for each thing in the text that asks for raw HTML or an unsafe link."""
    for offset, message, hint in markup_problems(text):
        file.problem(expr_pos(file.lines, pos, style, offset), f"{what}: {message}", hint)


def _kind(value: object) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (YMap, dict)):
        return "a mapping"
    if isinstance(value, (YList, list)):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {shown(value)}"
    return f"the text {shown(value)}"
