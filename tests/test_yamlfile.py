"""Our YAML reader: the same data as an independent YAML 1.2 reader, plus positions and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML

from generator.rules import yamlfile
from generator.rules.compile import plain
from generator.rules.yamlfile import REJECTED, parse_yaml

ROOT = Path(__file__).resolve().parents[1]


def documents():
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            yield path.relative_to(ROOT).as_posix(), text[4:text.index("\n---\n", 4) + 1]


@pytest.mark.parametrize("rel, text", list(documents()), ids=[rel for rel, _ in documents()])
def test_every_file_reads_as_ruamel_reads_it(rel, text):
    ours = parse_yaml(text, ROOT / rel, rel)
    assert ours.problems == []
    expected = YAML(typ="safe", pure=True).load(text)
    assert plain(ours.data) == plain(expected)


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request, monkeypatch):
    """Where libyaml is missing PyYAML parses in Python: both must give the same data."""
    if request.param == "pure-python":
        monkeypatch.setattr(yamlfile, "_LOADER", yaml.SafeLoader)
    else:
        assert yamlfile._LOADER is yaml.CSafeLoader  # the fast path is the one in use here
    return request.param


@pytest.mark.parametrize("text, value", [
    ("yes", "yes"), ("on", "on"), ("No", "No"), ("true", True), ("FALSE", False), ("~", None), ("", None),
    ("null", None), ("12", 12), ("-3", -3), ("1_000", 1000), ("0x1F", 31), ("0o17", 15), ("2.5", 2.5),
    (".5", 0.5), ("1e3", 1000.0), ("-.inf", float("-inf")), ("'12'", "12"), ('"true"', "true"),
    ("2026-11-22", "2026-11-22"), ("!!str 5", "5"), ("1.2.3", "1.2.3"), ("0.9", 0.9),
])
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text, value, loader):
    assert parse_yaml(f"v: {text}\n", Path("x"), "x.yaml").data == {"v": value}


def test_positions_of_keys_values_and_items(loader):
    data = parse_yaml("a:\n  b: 'x'\n  c:\n    - 1\n    -  two\n", Path("x"), "x.yaml").data
    assert data.key_pos == {"a": (1, 1)}
    inner = data["a"]
    assert (inner.key_pos["b"], inner.value_pos["b"], inner.value_style["b"]) == ((2, 3), (2, 6), "'")
    assert inner["c"].item_pos == [(4, 7), (5, 8)]
    assert inner["c"].item_style == [None, None]


@pytest.mark.parametrize("text, data, problems", [
    ("a: !!python/object/apply:os.system [ls]\nb: 1\n", {"a": REJECTED, "b": 1},
     ["x.yaml:1:4: YAML tag '!!python/object/apply:os.system' is not allowed; only plain data is read: remove the tag"]),
    ("a: 1\na: 2\n", {"a": 1}, ["x.yaml:2:1: duplicate key 'a' (first at line 1); remove one of them"]),
    ("a: 1\n---\nb: 2\n", {"a": 1},
     ["x.yaml:2:1: a second YAML document ('---') in one file; one file holds one document: remove the '---' or split the file"]),
    ("x: *nope\n", {"x": REJECTED},
     ["x.yaml:1:4: YAML alias '*nope' is not allowed; write each value out in full: anchors (&) and aliases (*) are refused"]),
    ("a: &x [1]\nb: *x\n", {"a": [1], "b": REJECTED},
     ["x.yaml:1:4: YAML anchor '&x' is not allowed; write each value out in full: anchors (&) and aliases (*) are refused"]),
    ("? [1, 2]\n: v\n", {}, ["x.yaml:1:3: keys must be text, not [1, 2]"]),
    ("# nothing\n", None, ["x.yaml:1:1: the file is empty"]),
    ("title: \"open\nnext: 1\n", None,
     ["x.yaml:3:1: YAML syntax error: found unexpected end of stream; look at the quoted scalar that starts at line 1, column 8"]),
])
def test_what_a_rules_file_may_not_hold(text, data, problems):
    result = parse_yaml(text, Path("x"), "x.yaml")
    assert (result.data, [str(p) for p in result.problems]) == (data, problems)
