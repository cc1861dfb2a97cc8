"""Load every rules file, validate it, and resolve references in one pass.

``load_rules(root)`` either returns a complete ``Rules`` or raises UserError
with every problem found, sorted by file and line: a build never starts on
rules that are half right.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, UserError, did_you_mean
from ..render.facts import check_rule_texts, expand_rules
from ..render.translate import site_words
from ..scoring.expr import ExprError, check_types, names, parse
from ..sources import list_files, read_bytes
from .line_text import literal_problems
from .model import KINDS, FileKind
from .schema import SCHEMA_DIR, schema_line, schema_text
from .structure import check_checklists, check_crosswalk, check_frameworks, check_outline
from .validate import Collector, check_mapping
from .yamlfile import YamlFile, YMap, expr_pos, read_yaml, todo_markers

ANSWER_TYPES = {"integer": "number", "number": "number", "boolean": "bool", "choice": "str"}


@dataclass
class Rules:
    root: Path
    sources: dict[str, YMap] = field(default_factory=dict)
    groups: list[YMap] = field(default_factory=list)
    questions: dict[str, YMap] = field(default_factory=dict)
    constraints: list[YMap] = field(default_factory=list)
    milestones: dict[str, YMap] = field(default_factory=dict)  # in ladder order
    ladder: YMap | None = None
    frameworks: dict[str, YMap] = field(default_factory=dict)
    crosswalk: list[YMap] = field(default_factory=list)
    crosswalk_main: str | None = None  # the framework the assessment names the stage in (crosswalk.yaml `main`)
    flags: dict[str, YMap] = field(default_factory=dict)
    checklists: dict[str, YMap] = field(default_factory=dict)
    consistency: list[YMap] = field(default_factory=list)
    outline: YMap | None = None
    glossary: list[YMap] = field(default_factory=list)
    site: YMap | None = None  # rules/site.yaml, if any: see site.py for the identity it gives
    cases: list[tuple[YamlFile, YMap]] = field(default_factory=list)
    used_questions: set[str] = field(default_factory=set)
    where: dict[tuple[str, str], YamlFile] = field(default_factory=dict)  # (kind, id) -> its file
    broken: dict[str, set[str]] = field(default_factory=dict)  # kind -> ids whose files failed to load


def load_rules(root: Path) -> Rules:
    root = root.resolve()
    files, problems = _read_all(root)
    found = Collector()
    by_kind: dict[str, list[YamlFile]] = {kind.name: [] for kind in KINDS}
    broken: dict[str, set[str]] = {kind.name: set() for kind in KINDS}  # ids of files too broken to load
    for kind, file in files:
        if kind.id_is_file_name:
            broken[kind.name].add(file.path.stem)
        if file.data is not None and check_mapping(file.data, kind.fields, file, (1, 1), kind.name, found):
            if kind.id_is_file_name and file.data["id"] != file.path.stem:
                file.problem(file.data.value_pos["id"], f"id {file.data['id']!r} does not match the file name {file.path.name!r}",
                             f"rename the file to {file.data['id']}.yaml or change the id")
            else:
                by_kind[kind.name].append(file)
    rules = Rules(root)
    _index(rules, by_kind)
    for name, ids in broken.items():  # a broken file is reported once, not again at every reference to it
        rules.broken[name] = ids - {f.data.get("id") for f in by_kind[name]}
    _resolve_refs(rules, found)
    _check_questions(rules)
    kind_of = {id(file): kind.name for kind, file in files}
    _check_exprs(rules, found, kind_of)
    _check_ladder(rules, by_kind)
    check_frameworks(rules)
    check_crosswalk(rules, by_kind["crosswalk"])
    check_checklists(rules)
    check_outline(rules, by_kind["outline"])
    check_rule_texts(rules, found.texts)
    for file in (f for _, f in files):
        problems.extend(file.problems)
    if problems:
        raise UserError(sorted(set(problems)))
    expand_rules(rules, files, site_words(root))  # reports Markdown that becomes markup once its facts are filled in
    problems = [problem for _, file in files for problem in file.problems]
    if problems:
        raise UserError(sorted(set(problems)))
    return rules


def _read_all(root: Path) -> tuple[list[tuple[FileKind, YamlFile]], list[Problem]]:
    problems: list[Problem] = []
    files: list[tuple[FileKind, YamlFile]] = []
    rules_dir = root / "rules"
    if not rules_dir.is_dir():
        raise UserError([Problem("rules", 1, 1, "no rules/ directory here", f"run from the knowledge base's root (looked in {root})")])
    listing = list_files(root, "rules")  # no link is followed, no file outside the root read
    problems.extend(listing.problems)
    for path in listing.files:
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".yml":
            problems.append(Problem(rel, 1, 1, "rules files end in .yaml", f"rename it to {path.stem}.yaml"))
            continue
        if path.suffix != ".yaml":
            continue
        kind = kind_of_path(rel)
        if kind is None:
            patterns = ", ".join(k.pattern for k in KINDS)
            problems.append(Problem(rel, 1, 1, "not a known kind of rules file", f"rules files live at: {patterns}"))
            continue
        file = read_yaml(path, rel)
        todo_markers(file, file.lines)
        expected = schema_line(rel, kind)
        if not file.lines or file.lines[0] != expected:
            found = file.lines[0] if file.lines and file.lines[0].startswith("# yaml-language-server:") else "nothing"
            file.problem((1, 1), f"the first line should be '{expected}', found {found if found == 'nothing' else repr(found)}",
                         "run 'python -m generator schemas' to add it")
        files.append((kind, file))
    schemas = set(listing.files)
    for kind in KINDS:
        schema = rules_dir / "schemas" / f"{kind.name}.schema.json"
        listed = schema in schemas
        if not listed or read_bytes(schema).decode("utf-8", "replace").replace("\r\n", "\n") != schema_text(kind):
            state = "is out of date" if listed else "is missing"
            problems.append(Problem(f"{SCHEMA_DIR}/{kind.name}.schema.json", 1, 1, f"the JSON Schema for {kind.name} files {state}",
                                    "run 'python -m generator schemas' to regenerate it from generator/rules/model.py"))
    present = {kind.name for kind, _ in files}
    for kind in KINDS:
        if kind.required and kind.name not in present:
            problems.append(Problem(kind.pattern, 1, 1, f"missing {kind.name} file", kind.doc))
    return files, problems


def kind_of_path(rel: str) -> FileKind | None:
    """The kind of rules file at a path relative to the root, if any ('*' never crosses a folder)."""
    parts = rel.split("/")
    for kind in KINDS:
        pattern = kind.pattern.split("/")
        if len(pattern) == len(parts) and all(fnmatch.fnmatchcase(p, q) for p, q in zip(parts, pattern, strict=True)):
            return kind
    return None


def _unique(items, what: str) -> dict[str, YMap]:
    """Index (file, mapping) pairs by id, reporting duplicates at the second one."""
    out: dict[str, YMap] = {}
    where: dict[str, YamlFile] = {}
    for file, item in items:
        ident = item["id"]
        if ident in out:
            first = where[ident]
            file.problem(item.value_pos["id"], f"duplicate {what} id {ident!r}",
                         f"first declared in {first.rel}:{out[ident].value_pos['id'][0]}")
            continue
        out[ident] = item
        where[ident] = file
    return out


def _index(rules: Rules, by_kind: dict[str, list[YamlFile]]) -> None:
    rules.sources = _unique(((f, s) for f in by_kind["sources"] for s in f.data["sources"]), "source")
    groups = sorted(by_kind["question-group"], key=lambda f: (f.data["order"], f.data["id"]))
    rules.groups = [f.data for f in groups]
    pairs = []
    for f in groups:
        for q in f.data["questions"]:
            q["group"] = f.data["id"]
            pairs.append((f, q))
            rules.where[("question", q["id"])] = f
    rules.questions = _unique(pairs, "question")
    rules.constraints = [c for f in by_kind["constraints"] for c in f.data["constraints"]]
    _unique(((f, c) for f in by_kind["constraints"] for c in f.data["constraints"]), "constraint")
    for f in by_kind["milestone"]:
        rules.where[("milestone", f.data["id"])] = f
    rules.cases = [(f, case) for f in by_kind["cases"] for case in f.data["cases"]]
    for kind, attr in (("framework", "frameworks"), ("flag", "flags"), ("checklist", "checklists")):
        for f in by_kind[kind]:
            rules.where[(kind, f.data["id"])] = f
        setattr(rules, attr, {f.data["id"]: f.data for f in by_kind[kind]})
    rules.crosswalk = [row for f in by_kind["crosswalk"] for row in f.data["rows"]]
    _unique(((f, row) for f in by_kind["crosswalk"] for row in f.data["rows"]), "crosswalk row")
    rules.crosswalk_main = next((f.data["main"] for f in by_kind["crosswalk"] if f.data.get("main")), None)
    rules.consistency = [c for f in by_kind["consistency"] for c in f.data["checks"]]
    rules.outline = by_kind["outline"][0].data if by_kind["outline"] else None
    rules.glossary = [t for f in by_kind["glossary"] for t in f.data["terms"]]
    rules.site = by_kind["site"][0].data if by_kind["site"] else None
    _unique(((f, t) for f in by_kind["glossary"] for t in f.data["terms"]), "glossary term")
    _unique(((f, c) for f in by_kind["consistency"] for c in f.data["checks"]), "consistency check")
    milestones = {f.data["id"]: f.data for f in by_kind["milestone"]}
    rules.ladder = by_kind["ladder"][0].data if by_kind["ladder"] else None
    order = [m for m in rules.ladder["milestones"] if m in milestones] if rules.ladder else []
    rules.milestones = {m: milestones[m] for m in dict.fromkeys(order)}
    rules.milestones.update(milestones)  # unlisted ones last; _check_ladder reports them


def _resolve_refs(rules: Rules, found: Collector) -> None:
    known: dict[str, Mapping[str, object]] = {
        "source": rules.sources,
        "question": rules.questions,
        "milestone": {ident: None for kind, ident in rules.where if kind == "milestone"},
        "flag": rules.flags,
        "framework": rules.frameworks,
    }
    for ref in found.refs:
        ids = known[ref.kind]
        if ref.id not in ids and ref.id not in rules.broken.get(ref.kind, ()):
            ref.file.problem(ref.pos, f"unknown {ref.kind} {ref.id!r}", did_you_mean(ref.id, ids) or f"no {ref.kind} has this id")


def _check_questions(rules: Rules) -> None:
    for qid, q in rules.questions.items():
        file = rules.where[("question", qid)]
        numeric = q["type"] in ("integer", "number")
        if q["type"] == "choice" and not q.get("choices"):
            file.problem(q.pos, f"question {qid!r} has type choice but no choices", "list them under choices:")
        if "{}" in q.get("noun", "") and "measure" not in q:
            file.problem(q.value_pos["noun"], f"question {qid!r} has a '{{}}' in its noun but no measure",
                         "add measure: the quantity's name for rule text, e.g. 'revenue over the last 12 months'")
        for key in ("min", "max", "step", "noun", "noun_one", "measure", "unit", "improves"):
            if key in q.key_pos and not numeric:
                file.problem(q.key_pos[key], f"{key!r} only applies to integer and number questions, not {q['type']}")
        if "choices" in q and q["type"] != "choice":
            file.problem(q.key_pos["choices"], f"'choices' only applies to choice questions, not {q['type']}")
        if numeric and "min" in q and "max" in q and q["min"] > q["max"]:
            file.problem(q.value_pos["max"], f"max {q['max']} is below min {q['min']}")
        if q["type"] == "integer" and any(isinstance(q.get(k), float) and not q[k].is_integer() for k in ("min", "max", "step")):
            file.problem(q.pos, f"integer question {qid!r} has a fractional bound or step")


# Which functions each kind's conditions may call: milestones and constraints
# read answers only, stages may build on milestones and checklists, flags and question groups on all.
_REFERENCES_ALLOWED = {
    "framework": ("milestone", "checklist"),
    "flag": ("milestone", "framework", "checklist"),
    "question-group": ("milestone", "framework", "checklist"),
    "consistency": ("milestone",),
}


def _check_exprs(rules: Rules, found: Collector, kind_of: dict[int, str]) -> None:
    types = {qid: ANSWER_TYPES[q["type"]] for qid, q in rules.questions.items()}
    every = {
        "milestone": [*rules.milestones, *sorted(rules.broken.get("milestone", ()))],
        "framework": {fid: [s["id"] for s in fw["stages"]] for fid, fw in rules.frameworks.items()}
        | {fid: None for fid in rules.broken.get("framework", ())},  # None: stages unknown, not checked
        "checklist": [*rules.checklists, *sorted(rules.broken.get("checklist", ()))],
    }
    mistyped = False
    for expr in found.exprs:
        kind = kind_of[id(expr.file)]
        refs = {name: every[name] for name in _REFERENCES_ALLOWED.get(kind, ())}
        try:
            node = parse(expr.source)
        except ExprError as err:
            mistyped = True
            expr.file.problem(expr_pos(expr.file.lines, expr.pos, expr.style, err.pos), f"in condition: {err.message}", err.hint)
            continue
        for offset, message, hint in literal_problems(node):  # its quoted texts are printed in words on pages
            expr.file.problem(expr_pos(expr.file.lines, expr.pos, expr.style, offset), f"in condition: {message}", hint)
        if kind not in ("constraints", "consistency", "question-group"):  # opening a group is not a use of its answers
            rules.used_questions.update(n.value for n in names(node))  # read, even if mistyped: one problem, not three
        try:
            check_types(node, types, refs=refs)
        except ExprError as err:
            mistyped = True
            expr.file.problem(expr_pos(expr.file.lines, expr.pos, expr.style, err.pos), f"in condition: {err.message}", err.hint)
    for checklist in rules.checklists.values():
        rules.used_questions.update(checklist["items"])
    if mistyped or any(rules.broken.values()):
        return  # a broken file or a misspelt name may be what reads a question: do not guess
    for qid, q in rules.questions.items():
        if qid not in rules.used_questions:
            rules.where[("question", qid)].problem(
                q.value_pos["id"], f"question {qid!r} is asked but no condition or checklist reads it",
                "use it in a rule, or remove it so readers are not asked for nothing",
            )


def _check_ladder(rules: Rules, by_kind: dict[str, list[YamlFile]]) -> None:
    if not by_kind["ladder"]:
        return
    file = by_kind["ladder"][0]
    assert rules.ladder is not None  # _index read it from the one ladder file
    listed = rules.ladder["milestones"]
    seen: set[str] = set()
    for index, mid in enumerate(listed):
        if mid in seen:
            file.problem(listed.item_pos[index], f"milestone {mid!r} is listed twice", "each milestone has one place on the ladder")
        seen.add(mid)
    for mid, milestone in rules.milestones.items():
        if mid not in seen:
            mfile = rules.where[("milestone", mid)]
            mfile.problem(milestone.value_pos["id"], f"milestone {mid!r} is not on the ladder", f"add it to {file.rel}")
    optional_seen = None
    for index, mid in enumerate(listed):
        m = rules.milestones.get(mid)
        if m is None:
            continue
        if m["optional"]:
            optional_seen = mid
        elif optional_seen:
            file.problem(listed.item_pos[index], f"required milestone {mid!r} comes after optional {optional_seen!r}",
                         "list optional milestones last")
