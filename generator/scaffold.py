"""``python -m generator new KIND``: a valid, schema-annotated starting file.

Each file gets the next free id or number and TODO markers in the places only
a person can fill in; ``check`` refuses any rules or content file that still
contains TODO, so nothing half-written can be merged. The command prints where
the new thing must be linked from.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Problem, UserError, shown
from .rules.load import kind_of_path
from .rules.model import ID_PATTERN
from .rules.schema import schema_line

TODO = "TODO"
KINDS = ("milestone", "flag", "article", "stage", "question")
_ID = re.compile(ID_PATTERN)


def new(root: Path, kind: str, name: str | None = None, framework: str | None = None, section: str | None = None) -> list[str]:
    """Create or extend the file and return the lines to print.

    ``framework`` names the framework of a new stage, or the form group of a new question.
    """
    if kind != "article":  # an article's name is only its slug, made safe below
        name = _valid_id(name, "--name")
        framework = _valid_id(framework, "--framework" if kind == "stage" else "--group")
    if kind == "milestone":
        ident = name or _next_id(root / "rules" / "milestones", "m")
        rel = f"rules/milestones/{ident}.yaml"
        body = f"""id: {ident}
title: {TODO} a short name, e.g. "5 paying customers"
summary: {TODO} one sentence on what reaching it shows.
condition: {TODO}
why: |
  {TODO} why it matters and why it comes here in the order, in your own words.
articles: []
source:
  id: {TODO}
  point: {TODO} which part of the source
"""
        return _write(root, rel, body, [f"add {ident} to rules/ladder.yaml (milestones: [...]) in its place",
                                        "add rule cases on both sides of its threshold to rules/tests/milestones.yaml",
                                        "list the articles that explain it under articles:"])
    if kind == "flag":
        ident = _require(name, "a flag id, e.g. --name cash-before-fit")
        rel = f"rules/flags/{ident}.yaml"
        body = f"""id: {ident}
title: {TODO} a short name for the risk
condition: {TODO}
explanation: |
  {TODO} what it means for the founder and what to do about it.
articles: []
source:
  id: {TODO}
  point: {TODO} which part of the source
"""
        return _write(root, rel, body, ["add cases that raise it and cases that do not to rules/tests/flags.yaml",
                                        "list the articles that explain it under articles:"])
    if kind == "question":
        ident = _require(name, "an answer id, e.g. --name churned_customers")
        group = _require(framework, "the form group it belongs to, e.g. --group customers (see rules/questions/)")
        path = root / "rules" / "questions" / f"{group}.yaml"
        if not path.is_file():
            raise UserError([Problem(f"rules/questions/{group}.yaml", 1, 1, f"no question group {group!r}", "see rules/questions/")])
        question = f"""  - id: {ident}
    type: integer
    label: {TODO} the question as a founder reads it?
    help: {TODO} exactly what to count.
    noun: {TODO} plural noun, e.g. churned customers
    min: 0
"""
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + question, encoding="utf-8")
        return [f"added question {ident} at the end of rules/questions/{group}.yaml: fill in every {TODO}",
                "then read it in a condition or checklist: check refuses questions nobody reads"]
    if kind == "stage":
        fid = _require(framework, "the framework, e.g. --framework cxo-atlas")
        ident = _require(name, "a stage id, e.g. --name repeatable-sales")
        path = root / "rules" / "frameworks" / f"{fid}.yaml"
        if not path.is_file():
            raise UserError([Problem(f"rules/frameworks/{fid}.yaml", 1, 1, f"no framework {fid!r}", "see rules/frameworks/")])
        text = path.read_text(encoding="utf-8")
        stage = f"""  - id: {ident}
    title: {TODO} the stage's name
    summary: {TODO} one sentence on what defines it.
    when: {TODO}
    focus: {TODO} the one thing to focus on.
    this_week:
      - {TODO} a concrete action
    milestones: []
    articles: []
"""
        marker = "\nsource:"
        if marker not in text:
            raise UserError([Problem(f"rules/frameworks/{fid}.yaml", 1, 1, "cannot find where the stages end", "add the stage by hand")])
        path.write_text(text.replace(marker, "\n" + stage.rstrip("\n") + marker, 1), encoding="utf-8")
        return [f"added stage {ident} at the end of rules/frameworks/{fid}.yaml (move it to its place in the order)",
                f"put {fid}: [{ident}] in the right row of rules/crosswalk.yaml",
                "add cases for it to rules/tests/stages.yaml"]
    if kind == "article":
        section_id = _require(section, "the section, e.g. --section 5.0203 (see rules/outline.yaml)")
        if not re.fullmatch(r"\d+\.\d{4}", section_id):
            raise UserError([f"--section must look like 5.0203 (volume.chapter+section), not {section_id!r}"])
        folder = root / "content" / "articles"
        used = [int(p.name[len(section_id):len(section_id) + 2]) for p in folder.glob(f"{section_id}??*.md")]
        number = f"{section_id}{max(used, default=0) + 1:02d}"
        slug = re.sub(r"[^a-z0-9]+", "-", (name or "new-article").lower()).strip("-")
        rel = f"content/articles/{number}-{slug}.md"
        body = f"""---
number: "{number}"
title: {TODO} the title
summary: {TODO} the quick summary, one sentence.
tags: [{TODO}]
stages: []
sources: [{TODO}]
related: []
---
{TODO} 300 to 900 words of practical guidance, in your own words.
"""
        return _write(root, rel, body, ["link it from the milestone, stage, flag or checklist it explains (articles: [...]), "
                                        "tag it with a stage, or list it under related: of another article"], yaml=False)
    raise UserError([f"unknown kind {kind!r}; one of: {', '.join(KINDS)}"])


def _write(root: Path, rel: str, body: str, steps: list[str], yaml: bool = True) -> list[str]:
    path = root / rel
    if path.exists():
        raise UserError([Problem(rel, 1, 1, "already exists", "pick another id or number")])
    path.parent.mkdir(parents=True, exist_ok=True)
    if yaml:
        body = schema_line(rel, kind_of_path(rel)) + "\n" + body
    path.write_text(body, encoding="utf-8")
    return [f"wrote {rel}: fill in every {TODO} (check refuses the file until you do)", *[f"then {s}" for s in steps]]


def _next_id(folder: Path, prefix: str) -> str:
    numbers = [int(m.group(1)) for p in folder.glob(f"{prefix}*.yaml") if (m := re.fullmatch(rf"{prefix}(\d+)", p.stem))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _valid_id(value: str | None, option: str) -> str | None:
    """Ids name files and appear in URLs: the project's id pattern, nothing else (no '../')."""
    if value is not None and not _ID.match(value):
        raise UserError([f"{option} must be an id: lower-case letters and digits, joined by single '-' or '_', "
                         f"starting with a letter (not {shown(value)})"])
    return value


def _require(value: str | None, what: str) -> str:
    if not value:
        raise UserError([f"this kind needs {what}"])
    return value
