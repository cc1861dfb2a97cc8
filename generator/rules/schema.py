"""JSON Schemas (draft-07) for every kind of rules file, generated from model.py.

Editors that speak yaml-language-server pick a schema from the first line of a
rules file: ``# yaml-language-server: $schema=../schemas/milestone.schema.json``.
``python -m generator schemas`` writes the schemas and those lines; ``check``
reports a file whose line is missing or points elsewhere, and a test fails
when a committed schema no longer matches the model.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path, PurePosixPath

from ..errors import UserError
from ..scoring.expr import FUNCTIONS
from ..sources import list_files
from .model import ID_PATTERN, KB_ID_PATTERN, KINDS, Field, FileKind

SCHEMA_DIR = "rules/schemas"
DRAFT = "http://json-schema.org/draft-07/schema#"
_EXPR_HELP = (
    "A condition over answer ids: and/or/not, comparisons (< <= > >= == !=), + - * /, numbers, "
    "'quoted text', true/false, and functions: " + "; ".join(f"{name}(): {doc}" for name, (_, _, doc) in FUNCTIONS.items())
)


def schema_for(kind: FileKind) -> dict:
    body = _object(kind.fields)
    return {"$schema": DRAFT, "$id": f"{kind.name}.schema.json", "title": f"{kind.name} ({kind.pattern})", "description": kind.doc, **body}


def _object(fields: tuple[Field, ...]) -> dict:
    return {
        "type": "object",
        "properties": {f.name: _field(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def _field(f: Field) -> dict:
    schema = _type(f.type, f)
    schema["description"] = f.doc + (f" {_EXPR_HELP}" if f.type == "expr" else "")
    if f.default is not None:
        schema["default"] = f.default
    if f.nullable:
        schema = {"description": schema.pop("description"), "anyOf": [schema, {"type": "null"}]}
    return schema


def _type(ftype: str, f: Field) -> dict:
    if ftype.startswith("list:"):
        return {"type": "array", "items": _type(ftype[5:], f)}
    if ftype == "object":
        return _object(f.fields)
    if ftype == "mapping":
        return {"type": "object"}
    if ftype in ("id",) or ftype.startswith("ref:"):
        return {"type": "string", "pattern": ID_PATTERN}
    if ftype == "kb-id":
        return {"type": "string", "pattern": KB_ID_PATTERN}
    if ftype == "line":
        return {"type": "string", "minLength": 1, "pattern": r"^[^\n]*\n?$"}
    if ftype in ("text", "expr"):
        return {"type": "string", "minLength": 1}
    if ftype == "enum":
        return {"enum": list(f.choices)}
    return {"int": {"type": "integer"}, "number": {"type": "number"}, "bool": {"type": "boolean"}}[ftype]


@functools.cache  # the model is fixed: `check` compares every schema file with its text on each run
def schema_text(kind: FileKind) -> str:
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"


def schema_line(rel: str, kind: FileKind) -> str:
    """The first line a rules file at ``rel`` should carry."""
    target = os.path.relpath(f"{SCHEMA_DIR}/{kind.name}.schema.json", str(PurePosixPath(rel).parent))
    return f"# yaml-language-server: $schema={PurePosixPath(target)}"


def write_schemas(root: Path) -> list[str]:
    """Write every schema, the maintainer reference and every rules file's first line; return what changed."""
    from .load import kind_of_path  # local: load imports this module's neighbours

    unsafe = list_files(root, "rules").problems
    if unsafe:  # writing through a link would overwrite whatever it points at
        raise UserError(unsafe)
    changed = []
    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        path = folder / f"{kind.name}.schema.json"
        text = schema_text(kind)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path.relative_to(root).as_posix())
    from ..reference import reference_markdown

    readme = root / "rules" / "README.md"
    text = reference_markdown()
    if not readme.is_file() or readme.read_text(encoding="utf-8") != text:
        readme.write_text(text, encoding="utf-8")
        changed.append("rules/README.md")
    for path in list_files(root, "rules", suffix=".yaml").files:
        rel = path.relative_to(root).as_posix()
        of_path = kind_of_path(rel)
        if of_path is None:
            continue
        text = path.read_text(encoding="utf-8")
        line = schema_line(rel, of_path)
        lines = text.split("\n")
        if lines[0].startswith("# yaml-language-server:"):
            lines[0] = line
        else:
            lines.insert(0, line)
        fixed = "\n".join(lines)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            changed.append(rel)
    return changed
