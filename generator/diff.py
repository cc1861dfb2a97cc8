"""Outcome diff: which readers' results, and which pages, a rules or content change moves.

``python -m generator diff --base REF`` scores one corpus of answer
profiles (every rule case, plus generated profiles) with the rules and
content at REF, read out of git with ``git archive`` (no checkout), and with
the working tree, using this same engine. It reports every outcome that
changes (milestone statuses, the next goal, stages and flags), every text a
result says differently (each ``why``, flag and stage text, ask-next…) and
every generated page whose Markdown differs: a reworded noun moves no
outcome, but readers read it everywhere.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .base_tree import base_commit, tree_at
from .corpus import answer_sets
from .diff_said import page_changes, rendered_pages, said_changes
from .errors import Problem, UserError, escaped, shown
from .knowledge import load_knowledge
from .rules.compile import compile_engine, plain
from .scoring import Engine
from .scoring.expr import names, references

GENERATED = 1000
SEED = 20261122
EXAMPLES = 3
PAGES_SHOWN = 10  # pages whose excerpt the Markdown report shows; JSON has them all
NAMES_SHOWN = 20  # page names listed in the Markdown report's summary line
_PIPE = re.compile(r"(\\*)\|")


@dataclass
class Side:
    """One tree's engine, rule cases, compiled rules and generated pages."""

    engine: Engine
    cases: list[dict]
    document: dict
    pages: dict[str, str]


def _side(root: Path) -> Side:
    knowledge = load_knowledge(root)
    document, engine = compile_engine(knowledge.rules, knowledge.articles)
    cases = [plain(case["answers"]) for _, case in knowledge.rules.cases]
    return Side(engine, cases, document, rendered_pages(knowledge, root))


def _base_side(root: Path, base: str) -> Side:
    commit = base_commit(root, base)
    with tempfile.TemporaryDirectory(prefix="kb-diff-") as scratch:
        tree = tree_at(root, commit, Path(scratch), base)
        try:
            return _side(tree)
        except UserError as err:  # the base's own problems: say so, or they read as the working tree's
            raise UserError([_at_base(p, base) for p in err.problems], err.exit_code) from None


def _at_base(problem: Problem | str, base: str) -> Problem | str:
    where = f"at --base {shown(base)}"
    if isinstance(problem, Problem):
        return Problem(problem.path, problem.line, problem.col, f"{where}: {problem.message}", problem.hint)
    return f"diff: {where}: {problem}"


def scored(engine: Engine, answers: dict) -> dict | None:
    """The engine's full result for the answers it knows, or None when it refuses them."""
    known = {k: v for k, v in answers.items() if k in engine.questions}
    clean, problems = engine.check(known)
    return None if problems else engine.score(clean)


def outcome(result: dict | None) -> dict:
    if result is None:
        return {"valid": False}
    return {
        "valid": True,
        "milestones": {mid: m["status"] for mid, m in result["milestones"].items()},
        "next_goal": result["next_goal"],
        "stages": result["stages"],
        "flags": sorted(f["id"] for f in result["flags"]),
    }


def compare(root: Path, base: str) -> dict:
    started = time.perf_counter()
    new = _side(root)  # first: a root that is no knowledge base is named as such, before git is asked anything
    old = _base_side(root, base)
    generated = answer_sets(new.document["questions"], GENERATED, SEED, new.document["constraints"])
    profiles = _dedupe(new.cases + old.cases + generated)
    results = [(answers, scored(old.engine, answers), scored(new.engine, answers)) for answers in profiles]
    moved, rows = _outcome_rows(results, old.engine, new.engine)
    reworded, texts = _said_rows(results, old.engine, new.engine)
    return {"base": base, "profiles": len(profiles), "moved": moved, "changes": rows,
            "reworded": reworded, "said": texts, "pages": page_changes(old.pages, new.pages),
            "seconds": round(time.perf_counter() - started, 2)}


def _outcome_rows(results: list[tuple], old: Engine, new: Engine) -> tuple[int, list[dict]]:
    """How many profiles' outcomes move, and one row per change (kind, what, from, to) with example answers."""
    changes: dict[str, Counter] = defaultdict(Counter)
    examples: dict[tuple, list] = defaultdict(list)
    moved = 0
    for answers, before, after in results:
        was, now = outcome(before), outcome(after)
        if was == now:
            continue
        moved += 1
        for change in _differences(was, now):
            kind, rest = change[0], change[1:]
            changes[kind][rest] += 1
            if len(examples[change]) < EXAMPLES:
                examples[change].append(answers)
    rows = [
        {"kind": kind, "what": key, "from": was, "to": now, "profiles": count,
         "examples": [_trim(a, _reads(kind, key, old) | _reads(kind, key, new)) for a in examples[(kind, key, was, now)]]}
        for kind in ("validity", "milestone", "next goal", "stage", "flag")
        for (key, was, now), count in sorted(changes[kind].items(), key=lambda item: (-item[1], str(item[0])))
    ]
    return moved, rows


def _said_rows(results: list[tuple], old: Engine, new: Engine) -> tuple[int, list[dict]]:
    """How many profiles are told something different, and one row per result text that reads differently."""
    said: Counter = Counter()
    examples: dict[str, list] = defaultdict(list)
    reworded = 0
    for answers, before, after in results:
        texts = said_changes(before, after) if before is not None and after is not None else []
        reworded += bool(texts)
        for path, was, now in texts:
            said[path] += 1
            if len(examples[path]) < EXAMPLES:
                examples[path].append({"answers": _trim(answers, _reads_path(path, old) | _reads_path(path, new)),
                                       "from": was, "to": now})
    rows = [{"what": path, "profiles": count, "examples": examples[path]}
            for path, count in sorted(said.items(), key=lambda item: (-item[1], item[0]))]
    return reworded, rows


def _reads_path(path: str, engine: Engine) -> set[str]:
    """The answer ids a result text depends on, from its path (``milestones.m3.why``, ``flags[x].why``)."""
    head, _, rest = path.partition(".")
    if head == "milestones":
        return _reads("milestone", rest.partition(".")[0], engine)
    if head in ("stages", "stage_details"):
        return _reads("stage", rest.partition(".")[0], engine)
    if head.startswith("flags["):
        return _reads("flag", head[len("flags["):-1], engine)
    return set()


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
    """The report for a pull request's summary. Every text from rules, content or the command line is
    in a code span or a fenced block: the report shows what pages say, it never becomes markup itself."""
    lines = [
        f"### Outcome diff against {_code(report['base'])}",
        "",
        f"{report['moved']} of {report['profiles']} answer profiles get a different result "
        f"({report['seconds']} s).",
        "",
    ]
    if report["changes"]:
        lines += ["| What | Change | Profiles | Example answers |", "|---|---|---:|---|"]
        for row in report["changes"]:
            shortest = min(row["examples"], key=len) if row["examples"] else {}
            what = row["kind"] if row["kind"] in ("next goal", "validity") else f"{row['kind']} {_code(row['what'])}"
            change = f"{_cell(row['from'])} → {_cell(row['to'])}"
            lines.append(f"| {what} | {change} | {row['profiles']} | {_code(json.dumps(shortest, sort_keys=True), 600)} |")
    else:
        lines.append("No outcome changes.")
    return "\n".join(lines + ["", *_said_lines(report), "", *_page_lines(report["pages"])]) + "\n"


def _said_lines(report: dict) -> list[str]:
    if not report["said"]:
        return ["Every result says the same."]
    lines = [f"{report['reworded']} of {report['profiles']} answer profiles are told something different:", "",
             "| Text | Profiles | Example: before → after |", "|---|---:|---|"]
    for row in report["said"]:
        example = row["examples"][0]
        lines.append(f"| {_code(row['what'])} | {row['profiles']} | {_text(example['from'])} → {_text(example['to'])} |")
    return lines


def _page_lines(pages: dict) -> list[str]:
    changed = [page["page"] for page in pages["changed"]]
    if not (changed or pages["added"] or pages["removed"]):
        return ["Every page says the same."]
    lines = []
    if changed:
        more = f", and {len(changed) - NAMES_SHOWN} more" if len(changed) > NAMES_SHOWN else ""
        noun = "page says" if len(changed) == 1 else "pages say"
        lines.append(f"{len(changed)} {noun} something different: {', '.join(map(_code, changed[:NAMES_SHOWN]))}{more}.")
    for label, names_ in (("New pages", pages["added"]), ("Pages gone", pages["removed"])):
        if names_:
            lines.append(f"{label}: {', '.join(map(_code, names_))}.")
    for page in pages["changed"][:PAGES_SHOWN]:
        excerpt = [escaped(line, 300) for line in page["excerpt"]]  # one line each, whatever built the report
        fence = "`" * max(3, _longest_backticks("\n".join(excerpt)) + 1)
        lines += ["", f"{_code(page['page'])}:", "", f"{fence}diff", *excerpt, fence]
    if len(changed) > PAGES_SHOWN:
        lines += ["", f"The other {len(changed) - PAGES_SHOWN} pages' excerpts are in `--format json`."]
    return lines


def _text(value: object) -> str:
    """A result's value for a table cell: one escaped line, cut short, in a code span."""
    return _code(escaped(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False), 120))


def _cell(value: object) -> str:
    """An outcome (met, stage-2, raised…) as table text: ids pass as they are, anything else as code."""
    text = str(value)
    return text if text.replace("-", "").replace("_", "").isalnum() and text.isascii() else _code(text)


def _code(text: str, limit: int = 300) -> str:
    """``text`` as an inline code span that nothing inside can close, safe in a table cell (CommonMark, GFM).

    GFM splits a row at every pipe its scanner does not read as escaped, and it reads backslashes in
    pairs: so each pipe gets a backslash, and the backslashes before it are doubled.
    """
    text = escaped(text, limit)
    ticks = "`" * (_longest_backticks(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return _PIPE.sub(lambda m: m.group(1) * 2 + "\\|", f"{ticks}{pad}{text}{pad}{ticks}")


def _longest_backticks(text: str) -> int:
    return max(map(len, re.findall(r"`+", text)), default=0)
