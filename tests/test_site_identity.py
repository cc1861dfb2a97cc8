"""rules/site.yaml: the knowledge base's id and domain words, validated like every rules file.

Each case runs the real ``check`` on a copy of this knowledge base; the
compiled rules (what the browser reads as rules.json) carry the identity.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.rules.compile import compile_rules
from generator.rules.load import load_rules

from .test_check import edit, problems, run_check

FIXTURE = Path(__file__).parent / "fixtures" / "plant-kb"


@pytest.mark.parametrize("old, new, expected", [
    ("id: founder-kb", "id: Founder_KB",
     "rules/site.yaml:2:5: site.id 'Founder_KB' is not a valid knowledge-base id; use at most 40 lower-case ASCII letters, "
     "digits and '-', starting with a letter, e.g. 'plant-care'"),
    ("id: founder-kb", "id: " + "k" * 41,
     f"rules/site.yaml:2:5: site.id '{'k' * 41}' is not a valid knowledge-base id; use at most 40 lower-case ASCII letters, "
     "digits and '-', starting with a letter, e.g. 'plant-care'"),
    ("id: founder-kb", "id: kb-é",
     "rules/site.yaml:2:5: site.id 'kb-é' is not a valid knowledge-base id; use at most 40 lower-case ASCII letters, "
     "digits and '-', starting with a letter, e.g. 'plant-care'"),
    ("  reader: founder", "  raeder: founder",
     "rules/site.yaml:4:3: unknown key 'raeder' in site.words; did you mean 'reader'?"),
    ("  subject: company", "  subject: |\n    a company\n    or two",
     "rules/site.yaml:6:12: site.words.subject must fit on one line"),
    ("id: founder-kb\n", "",
     "rules/site.yaml:2:1: site is missing the key 'id'; The knowledge base's id: lower-case ASCII letters, digits and '-', "
     "starting with a letter, at most 40 characters. Saved snapshots (`<id>:snapshots:v1` in localStorage), the offline "
     "cache, exported answers files (`<id>-answers-YYYY-MM-DD.json`) and their format tag are named after it, so two "
     "knowledge bases on one web origin never share them. Changing it loses the snapshots readers saved."),
])
def test_check_refuses_a_bad_site_file(kb: Path, old: str, new: str, expected: str) -> None:
    edit(kb, "rules/site.yaml", old, new)
    assert problems(kb) == [expected]
    result = run_check(kb)
    assert result.returncode == 1 and expected in result.stderr.splitlines()


def test_the_identity_reaches_the_compiled_rules(repo_root: Path) -> None:
    assert compile_rules(load_rules(repo_root))["site"] == {
        "id": "founder-kb", "words": {"reader": "founder", "readers": "founders", "subject": "company", "subjects": "companies"},
    }
    assert compile_rules(load_rules(FIXTURE))["site"]["id"] == "plant-kb"


def test_without_a_site_file_the_words_are_neutral(kb: Path) -> None:
    (kb / "rules" / "site.yaml").unlink()
    assert run_check(kb).returncode == 0
    assert compile_rules(load_rules(kb))["site"] == {
        "id": "kb", "words": {"reader": "reader", "readers": "readers", "subject": "subject", "subjects": "subjects"},
    }


def test_a_word_left_out_takes_its_default(kb: Path) -> None:
    edit(kb, "rules/site.yaml", "  readers: founders\n", "")
    assert compile_rules(load_rules(kb))["site"]["words"]["readers"] == "readers"


def test_the_schema_knows_the_site_file(repo_root: Path) -> None:
    schema = json.loads((repo_root / "rules" / "schemas" / "site.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["id"]["pattern"] == "^[a-z][a-z0-9-]{0,39}$"
    assert set(schema["properties"]["words"]["properties"]) == {"reader", "readers", "subject", "subjects"}
