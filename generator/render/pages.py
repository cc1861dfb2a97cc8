"""Render the Markdown docs tree from validated rules and page texts.

All data is gathered and cross-linked first (``_context``), then every page
is rendered; a template that names a missing field fails the build
(StrictUndefined) instead of printing nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError

from ..content import Page
from ..errors import Problem, UserError
from ..rules.compile import plain
from ..rules.load import Rules
from ..scoring.expr import names, parse
from .conditions import in_words

TEMPLATES = Path(__file__).parent / "templates"

_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "boolean": "yes or no", "choice": "one of a list"}


def environment(extra_dirs: tuple[Path, ...] = ()) -> Environment:
    """Templates from ``extra_dirs`` override the built-in ones by file name."""
    return Environment(
        loader=FileSystemLoader([*map(str, extra_dirs), str(TEMPLATES)]),
        undefined=StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_docs(rules: Rules, pages: dict[str, Page], out: Path, overrides: tuple[Path, ...] = ()) -> list[str]:
    """Write every generated page under ``out``; return their paths, relative to it."""
    env = environment(overrides)
    ctx = _context(rules, pages)
    plan: list[tuple[str, str, dict]] = [
        ("index.md", "home.md.j2", {"page": pages["home"]}),
        ("assess/index.md", "assess.md.j2", {"page": pages["assess"]}),
        ("milestones/index.md", "milestones-index.md.j2", {"page": pages["milestones"]}),
        ("questions.md", "questions.md.j2", {"page": pages["questions"]}),
        ("sources.md", "sources.md.j2", {"page": pages["sources"]}),
    ]
    plan += [(f"milestones/{m['id']}.md", "milestone.md.j2", {"m": m}) for m in ctx["milestones"]]
    for kind, index_template, template, var, folder in _OPTIONAL_SECTIONS:
        if ctx[kind]:
            plan.append((f"{folder}/index.md", index_template, {"page": pages[kind]}))
            plan += [(f"{folder}/{item['id']}.md", template, {var: item}) for item in ctx[kind]]
    if ctx["frameworks"]:
        plan.append(("frameworks/index.md", "frameworks-index.md.j2", {"page": pages["frameworks"]}))
    for f in ctx["frameworks"]:
        plan.append((f"frameworks/{f['id']}/index.md", "framework.md.j2", {"f": f}))
        plan += [(f"frameworks/{f['id']}/{s['id']}.md", "stage.md.j2", {"f": f, "s": s}) for s in f["stages"]]
    for rel, template, extra in plan:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = env.get_template(template).render(**ctx, **extra)
        except (TemplateError, TypeError, ValueError, KeyError, AttributeError) as err:
            raise UserError([_template_problem(err, template, rel)]) from None
        target.write_text(text, encoding="utf-8")
    return [rel for rel, _, _ in plan]


def _template_problem(err: Exception, template: str, rel: str) -> Problem:
    """Place a template error at its template's line, found in the traceback if need be."""
    filename, line = getattr(err, "filename", None), getattr(err, "lineno", None)
    if not isinstance(err, TemplateSyntaxError):
        tb = err.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename.endswith(".j2"):
                filename, line = code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    shown = os.path.relpath(filename) if filename and not os.path.relpath(filename).startswith("..") else filename
    hint = "templates use StrictUndefined: every name they use must exist" if isinstance(err, UndefinedError) else ""
    return Problem(shown or template, line or 1, 1, f"template error while rendering {rel}: {getattr(err, 'message', None) or err}", hint)


# (context key and page text name, index template, item template, item variable, folder)
_OPTIONAL_SECTIONS = (
    ("flags", "flags-index.md.j2", "flag.md.j2", "flag", "flags"),
    ("checklists", "checklists-index.md.j2", "checklist.md.j2", "c", "checklists"),
)


def _context(rules: Rules, pages: dict[str, Page]) -> dict:
    questions = {qid: plain(q) for qid, q in rules.questions.items()}
    sources = {sid: {**plain(s), "used_by": []} for sid, s in rules.sources.items()}
    milestones = []
    for m in rules.milestones.values():
        reads = list(dict.fromkeys(n.value for n in names(parse(m["condition"]))))
        milestones.append({
            **plain(m),
            "in_words": in_words(m["condition"], questions),
            "reads": [questions[qid] for qid in reads],
            "source": {"source": sources[m["source"]["id"]], "point": m["source"]["point"]},
        })
    for before, after in zip(milestones, milestones[1:]):
        before["next"], after["prev"] = after, before
    for m in milestones:
        m.setdefault("prev", None)
        m.setdefault("next", None)
        sources[m["source"]["source"]["id"]]["used_by"].append({"title": f"{m['id']}: {m['title']}", "path": f"milestones/{m['id']}.md"})
    ladder = plain(rules.ladder)
    ladder["source"] = {"source": sources[ladder["source"]["id"]], "point": ladder["source"]["point"]}
    sources[ladder["source"]["source"]["id"]]["used_by"].insert(0, {"title": ladder["title"], "path": "milestones/index.md"})
    for q in questions.values():
        q["type_words"] = _type_words(q)
        q["read_by"] = [m for m in milestones if q in m["reads"]]
    groups = [{"title": g["title"], "questions": [questions[q["id"]] for q in g["questions"]]} for g in rules.groups]
    by_id = {m["id"]: m for m in milestones}

    def credit(ref, title: str, path: str) -> dict:
        sources[ref["id"]]["used_by"].append({"title": title, "path": path})
        return {"source": sources[ref["id"]], "point": ref["point"]}

    flags = []
    for flag in rules.flags.values():
        item = {**plain(flag), "in_words": in_words(flag["condition"], questions, _labels(rules)), "stages": []}
        item["source"] = credit(flag["source"], flag["title"], f"flags/{flag['id']}.md")
        flags.append(item)
    checklists = []
    for c in rules.checklists.values():
        item = {**plain(c), "questions": [questions[q] for q in c["items"]]}
        item["source"] = credit(c["source"], c["title"], f"checklists/{c['id']}.md")
        checklists.append(item)
    frameworks = []
    for f in rules.frameworks.values():
        item = {**plain(f), "source": credit(f["source"], f["title"], f"frameworks/{f['id']}/index.md")}
        for number, stage in enumerate(item["stages"], 1):
            stage["number"] = number
            stage["framework"] = f["id"]
            stage["in_words"] = in_words(stage["when"], questions, _labels(rules)) if stage.get("when") else "you start here"
            stage["milestones"] = [by_id[m] for m in stage.get("milestones", [])]
            stage["flags"] = [flag for flag in flags if _names_stage(rules.flags[flag["id"]]["condition"], f["id"], stage["id"])]
            for flag in stage["flags"]:
                flag["stages"].append(stage)
            stage["crosswalk"] = None
        for before, after in zip(item["stages"], item["stages"][1:]):
            before["next"], after["prev"] = after, before
        for stage in item["stages"]:
            stage.setdefault("prev", None)
            stage.setdefault("next", None)
        frameworks.append(item)
    fw_by_id = {f["id"]: f for f in frameworks}
    crosswalk = []
    for row in rules.crosswalk:
        cells = {fid: [s for s in fw_by_id[fid]["stages"] if s["id"] in row["stages"].get(fid, [])] for fid in fw_by_id}
        crosswalk.append({
            "title": row["title"],
            "cells": [", ".join(f"[{s['title']}]({fid}/{s['id']}.md)" for s in cells[fid]) or "—" for fid in fw_by_id],
        })
        for fid, stages in cells.items():
            for stage in stages:
                others = [{"framework": fw_by_id[o], "stages": cells[o]} for o in fw_by_id if o != fid and cells[o]]
                stage["crosswalk"] = {"title": row["title"], "others": others} if others else None
    return {
        "ladder": ladder,
        "milestones": milestones,
        "groups": groups,
        "sources": list(sources.values()),
        "flags": flags,
        "checklists": checklists,
        "frameworks": frameworks,
        "crosswalk": crosswalk,
    }


def _labels(rules: Rules) -> dict:
    """Names for met(), stage() and checklist() references in page text."""
    labels = {("met", mid): f"{mid} ({m['title']})" for mid, m in rules.milestones.items()}
    labels.update({("checklist", cid): c["title"] for cid, c in rules.checklists.items()})
    for fid, f in rules.frameworks.items():
        labels[("stage", fid)] = f"the {f['title']} stage"
        labels.update({("stage-of", fid, s["id"]): s["title"] for s in f["stages"]})
    return labels


def _names_stage(condition: str, framework: str, stage: str) -> bool:
    """Does a condition test for this stage, as in stage('framework') == 'stage'?"""

    def walk(node) -> bool:
        if node.kind == "cmp" and node.value == "==":
            sides = {(a.kind, a.value if a.kind != "call" else (a.value, a.args[0].value)) for a in node.args}
            if ("call", ("stage", framework)) in sides and ("str", stage) in sides:
                return True
        return any(walk(arg) for arg in node.args)

    return walk(parse(condition))


def _type_words(q: dict) -> str:
    words = _TYPE_WORDS[q["type"]]
    bounds = []
    if "min" in q:
        bounds.append(f"at least {q['min']:g}")
    if "max" in q:
        bounds.append(f"at most {q['max']:g}")
    if q.get("unit"):
        words += f", {q['unit']}"
    return words + (f" ({', '.join(bounds)})" if bounds else "")
