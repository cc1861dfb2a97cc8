"""Load the whole knowledge base, rules and content, and check how they refer to each other.

One call gathers every problem from every file before anything is rendered:
``load_knowledge(root)`` returns a complete ``Knowledge`` or raises UserError.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .content.articles import Article, check_articles, load_articles, outline_index, reference_problems
from .content.pages import Page, load_pages
from .errors import Problem, UserError
from .render.facts import assembled_markup, expand, fact_problems, fact_table, known_ids
from .render.translate import site_words
from .rules.load import Rules, load_rules
from .rules.structure import stage_tag_problems
from .rules.yamlfile import expr_pos

SECTION_KINDS = ("frameworks", "flags", "checklists")


@dataclass
class Knowledge:
    rules: Rules
    pages: dict[str, Page]
    articles: dict[str, Article]
    outline: dict


def load_knowledge(root: Path) -> Knowledge:
    root = root.resolve()
    if not (root / "rules").is_dir():
        load_rules(root)  # raises the one problem that matters: this is not a knowledge base's root
    problems: list[Problem] = []
    rules = None
    try:
        rules = load_rules(root)
    except UserError as err:
        problems.extend(err.problems)
    articles, article_files = load_articles(root)
    sections = tuple(kind for kind in SECTION_KINDS if rules is not None and getattr(rules, kind))
    sections += ("articles",) if articles else ()
    sections += ("glossary",) if rules is not None and rules.glossary else ()
    pages, page_problems = load_pages(root, sections)
    problems.extend(page_problems)
    outline = outline_index(rules.outline if rules else None)
    if rules is not None:
        stages = {f"{fid}/{s['id']}" for fid, f in rules.frameworks.items() for s in f["stages"]}
        check_articles(articles, outline, rules.sources, stages)
        problems.extend(_rule_references(rules, articles))
        problems.extend(stage_tag_problems(rules, articles))
        problems.extend(_fact_problems(rules, articles, pages))
        if articles and rules.outline is None:
            problems.append(Problem("rules/outline.yaml", 1, 1, "articles need an outline", "declare volumes, chapters and sections there"))
    for file in article_files:
        problems.extend(file.problems)
    if problems:
        raise UserError(sorted(set(problems)))
    table = fact_table(rules, site_words(root))  # facts in the site's language, as every page around them
    problems = _assembled_problems(articles, pages, table)
    if problems:
        raise UserError(sorted(set(problems)))
    for article in articles.values():  # bodies are Markdown; the summary is one line, escaped whole on the page
        article.body, article.summary = expand(article.body, table, markdown=True), expand(article.summary, table)
    pages = {name: replace(page, body=expand(page.body, table, markdown=True)) for name, page in pages.items()}
    return Knowledge(rules, pages, articles, outline)


def _body_problem(rel: str, body: str, first_line: int, offset: int, message: str, hint: str) -> Problem:
    line = first_line + body.count("\n", 0, offset)
    return Problem(rel, line, offset - body.rfind("\n", 0, offset), message, hint)


def _assembled_problems(articles: dict[str, Article], pages: dict[str, Page], table: dict[str, str]) -> list[Problem]:
    """Bodies that become markup once their rule facts are filled in, placed at the fact."""
    bodies = [(a.rel, a.body, a.body_line) for a in articles.values()] + [(p.rel, p.body, p.body_line) for p in pages.values()]
    return [_body_problem(rel, body, first_line, *found)
            for rel, body, first_line in bodies for found in assembled_markup(body, table)]


def _fact_problems(rules: Rules, articles: dict[str, Article], pages: dict[str, Page]) -> list[Problem]:
    """Rule facts ([[milestone.m5.met_when]]) in article bodies and summaries and in page texts must name real rules."""
    known, out = known_ids(rules), []

    def in_body(rel: str, body: str, first_line: int) -> None:
        out.extend(_body_problem(rel, body, first_line, *found) for found in fact_problems(body, known))

    for article in articles.values():
        in_body(article.rel, article.body, article.body_line)
        meta = article.meta
        for offset, message, hint in fact_problems(article.summary, known):
            line, col = expr_pos(article.file.lines, meta.value_pos["summary"], meta.value_style.get("summary"), offset)
            out.append(Problem(article.rel, line, col, message, hint))
    for page in pages.values():
        in_body(page.rel, page.body, page.body_line)
    return out


def article_refs(rules: Rules):
    """(kind, id, file, YList of numbers) for every rules entity that lists articles."""
    for kind, table in (("milestone", rules.milestones), ("flag", rules.flags), ("checklist", rules.checklists)):
        for ident, entity in table.items():
            if entity.get("articles"):
                yield kind, ident, rules.where[(kind, ident)], entity["articles"]
    for fid, framework in rules.frameworks.items():
        for stage in framework["stages"]:
            if stage.get("articles"):
                yield "stage", f"{fid}/{stage['id']}", rules.where[("framework", fid)], stage["articles"]


def _rule_references(rules: Rules, articles: dict[str, Article]) -> list[Problem]:
    problems: list[Problem] = []
    linked: set[str] = set()
    for _, _, file, numbers in article_refs(rules):
        problems.extend(reference_problems(file.rel, numbers, numbers.item_pos, articles))
        linked.update(numbers)
    for qid, question in rules.questions.items():
        if "article" in question:
            file = rules.where[("question", qid)]
            problems.extend(reference_problems(file.rel, [question["article"]], [question.value_pos["article"]], articles))
            linked.add(question["article"])
    tagged = {ref for a in articles.values() for ref in a.stages}
    for fid, framework in rules.frameworks.items():
        for stage in framework["stages"]:
            if not stage.get("milestones") and not stage.get("articles") and f"{fid}/{stage['id']}" not in tagged:
                problems.append(Problem(rules.where[("framework", fid)].rel, *stage.pos,
                                        f"stage {fid}/{stage['id']} has no milestones and no articles",
                                        "a stage page must give its reader something to work on or read: list milestones or articles"))
    for article in articles.values():
        linked.update(n for n in article.related if n != article.number)
        if article.stages:
            linked.add(article.number)  # listed on the page of every stage it is tagged with
    for number, article in articles.items():
        if number not in linked:
            line, col = article.meta.value_pos["number"]
            problems.append(Problem(article.rel, line, col, f"article {number} is not linked from any rule or article",
                                    "list it under articles: of the milestone, stage, flag or checklist it explains, "
                                    "tag it with a stage, or relate another article to it"))
    return problems
