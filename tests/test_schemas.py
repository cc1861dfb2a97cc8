"""The generated JSON Schemas are valid draft-07, current, and accept every rules file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from generator.rules.load import kind_of_path
from generator.rules.model import KINDS
from generator.rules.schema import SCHEMA_DIR, schema_line, schema_text

ROOT = Path(__file__).resolve().parents[1]
RULE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "rules").rglob("*.yaml"))


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_committed_schema_matches_the_model(kind):
    committed = (ROOT / SCHEMA_DIR / f"{kind.name}.schema.json").read_text()
    assert committed == schema_text(kind), "run `python -m generator schemas` and commit the result"
    jsonschema.Draft7Validator.check_schema(json.loads(committed))


@pytest.mark.parametrize("rel", RULE_FILES)
def test_every_rules_file_validates_against_its_schema(rel):
    kind = kind_of_path(rel)
    assert kind is not None
    text = (ROOT / rel).read_text()
    assert text.splitlines()[0] == schema_line(rel, kind)
    data = json.loads(json.dumps(YAML(typ="safe").load(text)))
    schema = json.loads((ROOT / SCHEMA_DIR / f"{kind.name}.schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(data)


def test_the_schema_rejects_what_check_rejects():
    schema = json.loads((ROOT / SCHEMA_DIR / "milestone.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    good = {"id": "m1", "title": "t", "summary": "s", "condition": "x >= 1", "why": "w", "source": {"id": "s", "point": "p"}}
    assert not list(validator.iter_errors(good))
    assert [e.message for e in validator.iter_errors({**good, "conditon": "x"})] == [
        "Additional properties are not allowed ('conditon' was unexpected)"
    ]
    assert [e.message for e in validator.iter_errors({**good, "optional": "yes"})] == ["'yes' is not of type 'boolean'"]


def test_maintainer_reference_is_current_and_complete():
    from generator.cli import _parser
    from generator.reference import reference_markdown
    from generator.rules.model import ARTICLE

    committed = (ROOT / "rules" / "README.md").read_text()
    assert committed == reference_markdown(), "run `python -m generator schemas` and commit rules/README.md"

    def field_names(fields, prefix=""):
        for f in fields:
            yield prefix + f.name
            if f.fields:
                yield from field_names(f.fields, f"{prefix}{f.name}{'[]' if f.type.startswith('list:') else ''}.")

    for kind in KINDS:
        assert f"### {kind.name}\n" in committed and kind.pattern in committed
        for name in field_names(kind.fields):
            assert f"| `{name}` |" in committed, f"{kind.name}.{name} is not documented"
    for name in field_names(ARTICLE):
        assert f"| `{name}` |" in committed
    commands = _parser()._subparsers._group_actions[0].choices
    for command in commands:
        assert f"### `python -m generator {command}`" in committed
