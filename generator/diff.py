"""Outcome diff: which founders' results a rules change moves.

``python -m generator diff --base REF`` scores one corpus of founder
profiles (every rule case, plus generated profiles) with the rules and
content at REF, read out of git with ``git archive`` (no checkout), and with
the working tree, using this same engine, and reports every outcome that
changes: milestone statuses, the next goal, stages and flags.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from .corpus import answer_sets
from .errors import Problem, UserError
from .knowledge import load_knowledge
from .rules.compile import compile_rules, plain
from .scoring import Engine
from .scoring.expr import names, references

GENERATED = 1000
SEED = 20261122
EXAMPLES = 3


def rules_at(root: Path, ref: str, into: Path) -> Path:
    """Extract rules/ and content/ as they were at ``ref`` into ``into``."""
    try:
        archive = subprocess.run(["git", "archive", "--format=tar", ref, "rules", "content"], cwd=root,
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as err:
        reason = getattr(err, "stderr", b"") or b""
        raise UserError([Problem(".", 1, 1, f"cannot read rules at {ref!r} from git: {reason.decode().strip() or err}",
                                 "pass a commit, branch or tag that exists, e.g. --base origin/main")]) from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _engine(root: Path) -> tuple[Engine, list[dict], dict]:
    knowledge = load_knowledge(root)
    document = compile_rules(knowledge.rules, knowledge.articles)
    cases = [plain(case["answers"]) for _, case in knowledge.rules.cases]
    return Engine(document), cases, document


def outcome(engine: Engine, answers: dict) -> dict:
    known = {k: v for k, v in answers.items() if k in engine.questions}
    clean, problems = engine.check(known)
    if problems:
        return {"valid": False}
    result = engine.score(clean)
    return {
        "valid": True,
        "milestones": {mid: m["status"] for mid, m in result["milestones"].items()},
        "next_goal": result["next_goal"],
        "stages": result["stages"],
        "flags": sorted(f["id"] for f in result["flags"]),
    }


def compare(root: Path, base: str) -> dict:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kb-diff-") as scratch:
        old_engine, old_cases, _ = _engine(rules_at(root, base, Path(scratch)))
    new_engine, new_cases, document = _engine(root)
    generated = answer_sets(document["questions"], GENERATED, SEED, document["constraints"])
    profiles = _dedupe(new_cases + old_cases + generated)
    changes: dict[str, Counter] = defaultdict(Counter)
    examples: dict[tuple, list] = defaultdict(list)
    moved = 0
    for answers in profiles:
        before, after = outcome(old_engine, answers), outcome(new_engine, answers)
        if before == after:
            continue
        moved += 1
        for kind, key, was, now in _differences(before, after):
            changes[kind][(key, was, now)] += 1
            if len(examples[(kind, key, was, now)]) < EXAMPLES:
                examples[(kind, key, was, now)].append(answers)
    rows = [
        {"kind": kind, "what": key, "from": was, "to": now, "profiles": count,
         "examples": [_trim(a, _reads(kind, key, old_engine) | _reads(kind, key, new_engine)) for a in examples[(kind, key, was, now)]]}
        for kind in ("validity", "milestone", "next goal", "stage", "flag")
        for (key, was, now), count in sorted(changes[kind].items(), key=lambda item: (-item[1], str(item[0])))
    ]
    return {"base": base, "profiles": len(profiles), "moved": moved, "changes": rows,
            "seconds": round(time.perf_counter() - started, 2)}


def _reads(kind: str, key: str, engine: Engine) -> set[str]:
    """The answer ids an outcome depends on, following met() references one level down."""
    if kind == "milestone":
        nodes = [engine.milestone_nodes.get(key)]
    elif kind == "flag":
        nodes = [engine.flag_nodes.get(key)]
    elif kind == "stage":
        nodes = [node for (fid, _), node in engine.stage_nodes.items() if fid == key]
    else:
        nodes = list(engine.milestone_nodes.values())
    ids: set[str] = set()
    for node in filter(None, nodes):
        ids.update(n.value for n in names(node))
        for function, ref in references(node):
            if function == "met" and ref in engine.milestone_nodes:
                ids.update(n.value for n in names(engine.milestone_nodes[ref]))
    return ids


def _trim(answers: dict, keep: set[str]) -> dict:
    """An example shows only the answers its outcome depends on."""
    return {k: v for k, v in answers.items() if k in keep} if keep else answers


def _dedupe(profiles: list[dict]) -> list[dict]:
    seen, out = set(), []
    for answers in profiles:
        key = json.dumps(answers, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(answers)
    return out


def _differences(before: dict, after: dict):
    if before["valid"] != after["valid"]:
        yield "validity", "answers accepted", before["valid"], after["valid"]
        return
    if not before["valid"]:
        return
    for mid in dict.fromkeys([*before["milestones"], *after["milestones"]]):
        was, now = before["milestones"].get(mid, "absent"), after["milestones"].get(mid, "absent")
        if was != now:
            yield "milestone", mid, was, now
    if before["next_goal"] != after["next_goal"]:
        yield "next goal", "next goal", before["next_goal"] or "none", after["next_goal"] or "none"
    for fid in dict.fromkeys([*before["stages"], *after["stages"]]):
        was, now = before["stages"].get(fid, "absent"), after["stages"].get(fid, "absent")
        if was != now:
            yield "stage", fid, was, now
    for flag in sorted(set(before["flags"]) ^ set(after["flags"])):
        yield "flag", flag, "raised" if flag in before["flags"] else "not raised", "raised" if flag in after["flags"] else "not raised"


def markdown(report: dict) -> str:
    lines = [
        f"### Outcome diff against `{report['base']}`",
        "",
        f"{report['moved']} of {report['profiles']} founder profiles get a different result "
        f"({report['seconds']} s).",
    ]
    if not report["changes"]:
        return "\n".join(lines + ["", "No outcome changes."]) + "\n"
    lines += ["", "| What | Change | Profiles | Example answers |", "|---|---|---:|---|"]
    for row in report["changes"]:
        shortest = min(row["examples"], key=len) if row["examples"] else {}
        example = json.dumps(shortest, sort_keys=True).replace("|", "\\|")
        what = row["kind"] if row["kind"] in ("next goal", "validity") else f"{row['kind']} `{row['what']}`"
        lines.append(f"| {what} | {row['from']} → {row['to']} | {row['profiles']} | `{example}` |")
    return "\n".join(lines) + "\n"
