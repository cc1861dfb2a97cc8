"""The maintainers' own tools point at things that exist: pre-commit hooks, workflows, templates."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from generator.cli import _parser

ROOT = Path(__file__).resolve().parents[1]


def test_pre_commit_hooks_use_existing_schemas_that_match_files():
    config = YAML(typ="safe").load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    schema_hooks = [h for h in hooks if h["id"] == "check-jsonschema"]
    assert len(schema_hooks) >= 6
    for hook in schema_hooks:
        schema = ROOT / hook["args"][hook["args"].index("--schemafile") + 1]
        assert schema.is_file(), schema
        matched = [p for p in ROOT.rglob("*.yaml") if re.search(hook["files"], p.relative_to(ROOT).as_posix())]
        assert matched, f"{hook['name']} matches no file"
    assert any(h["id"] == "check-metaschema" for h in hooks)
    assert any("generator check" in h.get("entry", "") for h in hooks)


def test_workflows_call_commands_that_exist():
    commands = set(_parser()._subparsers._group_actions[0].choices)
    makefile = (ROOT / "Makefile").read_text()
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        text = workflow.read_text()
        YAML(typ="safe").load(text)  # valid YAML
        for command in re.findall(r"-m generator (\w[\w-]*)", text):
            assert command in commands, f"{workflow.name} calls unknown command {command}"
        for target in re.findall(r"\bmake (\w+)", text):
            assert re.search(rf"^{target}:", makefile, re.M), f"{workflow.name} calls unknown make target {target}"
        for uses in re.findall(r"uses: (\S+)", text):
            assert re.search(r"@v\d+\.\d+\.\d+$", uses), f"{uses} is not pinned to a release"


def test_pull_request_template_asks_for_source_cases_and_diff():
    template = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text()
    for part in ("## Source", "True positives", "True negatives", "## Outcome diff", "generator diff --base"):
        assert part in template
    assert "/rules/" in (ROOT / ".github" / "CODEOWNERS").read_text()
