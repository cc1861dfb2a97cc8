"""Render the Markdown docs tree from validated rules and page texts.

All data is gathered and cross-linked first (``context.build_context``), then every page
is rendered; a template that names a missing field fails the build
(StrictUndefined) instead of printing nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError

from ..errors import Problem, UserError
from ..knowledge import Knowledge
from ..processes import forked_map
from ..reference import reference_markdown
from .backlinks import Kind, add_backlinks
from .context import build_context
from .glossary import GlossaryLinker
from .markdown_text import MarkdownSafe, markdown, md_link, md_text, only_escaped, to_json
from .template_code import TEMPLATE_CODE
from .translate import PageWords

TEMPLATES = Path(__file__).parent / "templates"
GUIDE = Path(__file__).resolve().parents[1] / "guide.md"  # "Start your own knowledge base", published under Maintainers
# Jinja's filters that make Markup of a value that was never escaped as Markdown text (``safe``, ``join`` of a mixed list,
# ``replace`` …): gone from the environment, so only md_text and markdown can vouch for a value (markdown_text.py).
MARKUP_FILTERS = ("safe", "e", "escape", "forceescape", "join", "replace", "urlize", "xmlattr", "default", "d", "indent")

# (context key and page text name, index template, item template, item variable, folder)
_OPTIONAL_SECTIONS = (
    ("flags", "flags-index.md.j2", "flag.md.j2", "flag", "flags"),
    ("checklists", "checklists-index.md.j2", "checklist.md.j2", "c", "checklists"),
)


def environment(extra_dirs: tuple[Path, ...] = (), words: PageWords | None = None) -> Environment:
    """Templates from ``extra_dirs`` override the built-in ones by file name; ``words``: the page language (English)."""
    env = Environment(
        loader=FileSystemLoader([*map(str, extra_dirs), str(TEMPLATES)]),
        undefined=StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=only_escaped,
        bytecode_cache=TEMPLATE_CODE,  # a rebuild, or the next build, compiles no template again
    )
    env.filters.update(md_text=md_text, markdown=markdown, tojson=to_json)
    env.globals["md_link"] = md_link
    (words or PageWords()).install(env)
    for name in MARKUP_FILTERS:
        del env.filters[name]
    return env


def render_docs(knowledge: Knowledge, out: Path, overrides: tuple[Path, ...] = (), words: PageWords | None = None) -> list[str]:
    """Write every generated page under ``out`` in the language of ``words`` (English); return their paths, relative to it."""
    words = words or PageWords()
    env = environment(overrides, words)
    ctx = build_context(knowledge, words)
    pages = knowledge.pages
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
    if ctx["articles"]:
        plan.append(("articles/index.md", "articles-index.md.j2", {"page": pages["articles"]}))
        plan += [(f"articles/volume-{v['id']}.md", "volume.md.j2", {"v": v}) for v in ctx["outline"]]
        plan += [(f"articles/{c['page']}", "chapter.md.j2", {"v": v, "c": c}) for v in ctx["outline"] for c in v["chapters"]]
        plan += [(f"articles/{a['number']}.md", "article.md.j2", {"a": a}) for a in ctx["articles"]]
        plan.append(("tags.md", "tags.md.j2", {}))
        plan += [(g["page"], "tag-group.md.j2", {"g": g}) for g in ctx["tag_groups"]]
    if ctx["frameworks"]:
        plan.append(("frameworks/index.md", "frameworks-index.md.j2", {"page": pages["frameworks"]}))
    for f in ctx["frameworks"]:
        plan.append((f"frameworks/{f['id']}/index.md", "framework.md.j2", {"f": f}))
        plan += [(f"frameworks/{f['id']}/{s['id']}.md", "stage.md.j2", {"f": f, "s": s}) for s in f["stages"]]
    if ctx["glossary"]:
        plan.append(("glossary.md", "glossary.md.j2", {"page": pages["glossary"]}))
    plan.append(("maintainers/reference.md", "reference.md.j2", {"reference": MarkdownSafe(reference_markdown())}))
    plan.append(("maintainers/guide.md", "reference.md.j2", {"reference": MarkdownSafe(GUIDE.read_text(encoding="utf-8"))}))
    rendered = _render_all(env, ctx, plan)
    linked = add_backlinks(rendered, words, _kinds(ctx, pages, words))
    if ctx["glossary"]:
        linked |= _link_all(GlossaryLinker(ctx["glossary"]), {rel: text for rel, text in linked.items() if rel != "glossary.md"})
    for rel, text in linked.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return list(rendered)


# Pages are independent: from this many on, they are rendered (and glossary-linked) in forked worker processes,
# which read the environment, the context and the plan from _FORKED (below, starting them costs about what they save).
PARALLEL_FROM = 200
_CHUNK = 25
_FORKED: tuple = ()


def _render_all(env: Environment, ctx: dict, plan: list[tuple[str, str, dict]]) -> dict[str, str]:
    """Every planned page's Markdown, by its path; a page a worker could not render is rendered here again, where
    its error is placed in its template as when working alone."""
    global _FORKED
    _FORKED = (env, ctx, plan)
    try:
        texts = forked_map(_render_forked, list(range(len(plan))), PARALLEL_FROM, _CHUNK) or [None] * len(plan)
    finally:
        _FORKED = ()
    return {rel: _render(env, ctx, rel, template, extra) if text is None else text
            for (rel, template, extra), text in zip(plan, texts, strict=True)}


def _render(env: Environment, ctx: dict, rel: str, template: str, extra: dict) -> str:
    try:
        return env.get_template(template).render(**ctx, **extra)
    except (TemplateError, TypeError, ValueError, KeyError, AttributeError) as err:
        raise UserError([_template_problem(err, template, rel)]) from None


def _render_forked(index: int) -> str | None:
    env, ctx, plan = _FORKED
    rel, template, extra = plan[index]
    try:
        return env.get_template(template).render(**ctx, **extra)
    except Exception:  # noqa: BLE001 - the parent renders the page again and reports the error
        return None


# The last call's pages, before and after linking, and the terms they were linked with: the live preview renders every
# page again on each save, and most come out as they were (1,000 articles: 0.3 s of linking saved a save).
_LAST_LINKED: tuple[tuple, dict[tuple[str, str], str]] = ((), {})


def _link_all(linker: GlossaryLinker, pages: dict[str, str]) -> dict[str, str]:
    """Each page with its first use of each glossary term linked (glossary.py); a page linked by the last call with the
    same terms, to the same text at the same path, is taken from it."""
    global _FORKED, _LAST_LINKED
    last = _LAST_LINKED[1] if _LAST_LINKED[0] == linker.terms else {}
    items = [item for item in pages.items() if item not in last]
    _FORKED = (linker,)
    try:
        texts = forked_map(_link_forked, items, PARALLEL_FROM, _CHUNK) or [_link_forked(item) for item in items]
    finally:
        _FORKED = ()
    linked = {item: last[item] for item in pages.items() if item in last}
    linked.update(zip(items, texts, strict=True))
    _LAST_LINKED = (linker.terms, linked)
    return {rel: linked[(rel, text)] for rel, text in pages.items()}


def _link_forked(item: tuple[str, str]) -> str:
    rel, text = item
    return _FORKED[0].link(text, "../" * rel.count("/") + "glossary.md")


def _kinds(ctx: dict, pages: dict, words: PageWords) -> dict[str, Kind]:
    """Each item page's kind for the "Referenced by" lists, in the order they list them: headed by its
    section page's title; a framework's stage names its framework first."""
    def section(name: str) -> str:
        return md_text(pages[name].title)

    kinds: dict[str, Kind] = {}
    kinds |= {f"milestones/{m['id']}.md": Kind(section("milestones")) for m in ctx["milestones"]}
    for f in ctx["frameworks"]:
        # Translators: a framework's name before one of its stages in a "Referenced by" list ("<framework>: <stage>").
        prefix = words.md_gettext("%(framework)s:", framework=f["title"]) + " "
        kinds |= {f"frameworks/{f['id']}/{s['id']}.md": Kind(section("frameworks"), prefix) for s in f["stages"]}
    for kind, _index, _template, _var, folder in _OPTIONAL_SECTIONS:
        kinds |= {f"{folder}/{item['id']}.md": Kind(section(kind)) for item in ctx[kind]}
    kinds |= {f"articles/{a['number']}.md": Kind(section("articles")) for a in ctx["articles"]}
    return kinds


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


