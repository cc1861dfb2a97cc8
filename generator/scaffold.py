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
MAX_NAME = 100  # characters of an id or slug: file names have a limit, and nobody types more
_ID = re.compile(ID_PATTERN)


def new(root: Path, kind: str, name: str | None = None, framework: str | None = None, section: str | None = None) -> list[str]:
    """Create or extend the file and return the lines to print.

    ``framework`` names the framework of a new stage, or the form group of a new question.
    """
    if kind != "article":  # an article's name is only its slug, made safe below
        name = _valid_id(name, "--name")
        framework = _valid_id(framework, "--framework" if kind == "stage" else "--group")
    if not (root / "rules").is_dir():
        raise UserError([Problem("rules", 1, 1, "no rules/ directory here", f"run from the knowledge base's root (looked in {root})")])
    if kind == "milestone":
        ident = name or _next_id(root / "rules" / "milestones", "m")
        rel = f"rules/milestones/{ident}.yaml"
        body = f"""id: {ident}
title: {TODO} a short name for what is reached, e.g. "10 in a row"
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
  {TODO} what it means for the reader and what to do about it.
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
        rel = f"rules/questions/{group}.yaml"
        if not (root / rel).is_file():
            raise UserError([Problem(rel, 1, 1, f"no question group {group!r}", "see rules/questions/")])
        for other in sorted((root / "rules" / "questions").glob("*.yaml")):
            if _declares(_read(root, other.relative_to(root).as_posix()), ident):
                raise UserError([Problem(other.relative_to(root).as_posix(), 1, 1, f"question {ident!r} already exists",
                                         "pick another id, or edit that question")])
        question = f"""  - id: {ident}
    type: integer
    label: {TODO} the question as the reader reads it?
    help: {TODO} exactly what to count.
    noun: {TODO} plural noun, e.g. churned customers
    min: 0
"""
        _save(root, rel, _read(root, rel).rstrip("\n") + "\n" + question)
        return [f"added question {ident} at the end of rules/questions/{group}.yaml: fill in every {TODO}",
                "then read it in a condition or checklist: check refuses questions nobody reads"]
    if kind == "stage":
        fid = _require(framework, "the framework, e.g. --framework cxo-atlas")
        ident = _require(name, "a stage id, e.g. --name repeatable-sales")
        rel = f"rules/frameworks/{fid}.yaml"
        if not (root / rel).is_file():
            raise UserError([Problem(rel, 1, 1, f"no framework {fid!r}", "see rules/frameworks/")])
        text = _read(root, rel)
        if _declares(text, ident):
            raise UserError([Problem(rel, 1, 1, f"stage {ident!r} already exists", "pick another id, or edit that stage")])
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
            raise UserError([Problem(rel, 1, 1, "cannot find where the stages end", "add the stage by hand")])
        _save(root, rel, text.replace(marker, "\n" + stage.rstrip("\n") + marker, 1))
        return [f"added stage {ident} at the end of rules/frameworks/{fid}.yaml (move it to its place in the order)",
                f"put {fid}: [{ident}] in the right row of rules/crosswalk.yaml",
                "add cases for it to rules/tests/stages.yaml"]
    if kind == "article":
        section_id = _require(section, "the section, e.g. --section 5.0203 (see rules/outline.yaml)")
        if not re.fullmatch(r"[0-9]{1,4}\.[0-9]{4}", section_id):
            raise UserError([f"--section must look like 5.0203 (volume.chapter+section), not {shown(section_id)}"])
        folder = root / "content" / "articles"
        used = [int(m.group(1)) for p in folder.glob(f"{section_id}??*.md") if (m := re.match(rf"{re.escape(section_id)}([0-9]{{2}})", p.name))]
        number = f"{section_id}{max(used, default=0) + 1:02d}"
        slug = re.sub(r"[^a-z0-9]+", "-", (name or "").lower())[:MAX_NAME].strip("-") or "new-article"
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
    if (root / rel).exists() or (root / rel).is_symlink():
        raise UserError([Problem(rel, 1, 1, "already exists", "pick another id or number")])
    if yaml:
        body = schema_line(rel, kind_of_path(rel)) + "\n" + body
    _save(root, rel, body, new=True)
    return [f"wrote {rel}: fill in every {TODO} (check refuses the file until you do)", *[f"then {s}" for s in steps]]


def _declares(text: str, ident: str) -> bool:
    """Whether a rules file already declares ``ident`` (as ``id: ident`` or ``- id: ident``)."""
    return re.search(rf"(?m)^[ \t]*(?:-[ \t]+)?id:[ \t]*(['\"]?){re.escape(ident)}\1[ \t]*(?:#.*)?$", text) is not None


def _inside(root: Path, rel: str) -> Path:
    """``root / rel``, refused when a link on the way would take the write elsewhere (outside the knowledge base)."""
    path = root / rel
    for step in [*reversed(path.relative_to(root).parents[:-1]), path.relative_to(root)]:
        if (root / step).is_symlink():
            raise UserError([Problem(step.as_posix(), 1, 1, "is a symbolic link; new writes only real files and folders",
                                     "replace the link with the file or folder itself")])
    return path


def _read(root: Path, rel: str) -> str:
    try:
        raw = _inside(root, rel).read_bytes()
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[:err.start]
        line, col = before.count(b"\n") + 1, err.start - before.rfind(b"\n")
        raise UserError([Problem(rel, line, col, f"not UTF-8 text (byte {raw[err.start]:02x})", "save the file as UTF-8")]) from None
    except OSError as err:
        raise UserError([Problem(rel, 1, 1, f"cannot read it ({err.strerror or err})", "check the file and its permissions")]) from None


def _save(root: Path, rel: str, text: str, new: bool = False) -> None:
    """Write a file of the knowledge base: through no link, and with a clear line when the disk says no."""
    path = _inside(root, rel)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x" if new else "w", encoding="utf-8") as out:  # "x": never over a file made meanwhile
            out.write(text)
    except (FileExistsError, NotADirectoryError):
        folder = next((p for p in path.relative_to(root).parents if (root / p).exists() and not (root / p).is_dir()), None)
        what = f"{folder.as_posix()} is a file, not a folder" if folder else "already exists"
        raise UserError([Problem(rel, 1, 1, f"cannot write it: {what}", "move that file out of the way")]) from None
    except OSError as err:
        raise UserError([Problem(rel, 1, 1, f"cannot write it ({err.strerror or err})",
                                 "check that the folder exists and that you may write to it")]) from None


def _next_id(folder: Path, prefix: str) -> str:
    numbers = [int(m.group(1)) for p in folder.glob(f"{prefix}*.yaml") if (m := re.fullmatch(rf"{prefix}(\d+)", p.stem))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _valid_id(value: str | None, option: str) -> str | None:
    """Ids name files and appear in URLs: the project's id pattern, nothing else (no '../')."""
    if value is not None and not _ID.fullmatch(value):
        raise UserError([f"{option} must be an id: lower-case letters and digits, joined by single '-' or '_', "
                         f"starting with a letter (not {shown(value)})"])
    if value is not None and len(value) > MAX_NAME:
        raise UserError([f"{option} is {len(value):,} characters long; an id has at most {MAX_NAME}"])
    return value


def _require(value: str | None, what: str) -> str:
    if not value:
        raise UserError([f"this kind needs {what}"])
    return value
