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
    for rel, template, extra in plan:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = env.get_template(template).render(**ctx, **extra)
        except TemplateError as err:
            raise UserError([_template_problem(err, template, rel)]) from None
        target.write_text(text, encoding="utf-8")
    return [rel for rel, _, _ in plan]


def _template_problem(err: TemplateError, template: str, rel: str) -> Problem:
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
    return Problem(shown or template, line or 1, 1, f"template error while rendering {rel}: {err.message or err}", hint)


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
    return {
        "ladder": ladder,
        "milestones": milestones,
        "groups": groups,
        "sources": list(sources.values()),
    }


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
