"""Everything the templates show, gathered and cross-linked before any page renders.

Links run both ways: whatever lists an article (a milestone, stage, flag,
checklist or another article) appears on that article's page as a backlink.
"""

from __future__ import annotations

import html
from itertools import pairwise

from ..knowledge import Knowledge
from ..rules.compile import plain
from ..rules.model import SEVERITIES
from ..rules.site import site_identity
from ..scoring.expr import names, parse
from .conditions import in_words
from .conditions import labels as _labels
from .credits import article_credit, credit_kinds
from .markdown_text import MarkdownSafe, md_link
from .translate import PageWords

SOURCE_ARTICLES_LISTED = 40  # past this, the sources page gives a count: a list of thousands helps nobody


def build_context(knowledge: Knowledge, words: PageWords | None = None) -> dict:
    """``words``: the language of what this package says on the pages (English when none is given)."""
    words = words or PageWords()
    rules = knowledge.rules
    reference_names = _labels(rules, words)
    questions = {qid: plain(q) for qid, q in rules.questions.items()}
    sources = {sid: {**plain(s), "used_by": [], "articles": []} for sid, s in rules.sources.items()}
    milestones = []
    for m in rules.milestones.values():
        reads = list(dict.fromkeys(n.value for n in names(parse(m["condition"]))))
        milestones.append({
            **plain(m),
            "in_words": in_words(m["condition"], questions, words=words),
            "reads": [questions[qid] for qid in reads],
            "source": {"source": sources[m["source"]["id"]], "point": m["source"]["point"]},
        })
    for before, after in pairwise(milestones):
        before["next"], after["prev"] = after, before
    for m in milestones:
        m.setdefault("prev", None)
        m.setdefault("next", None)
        sources[m["source"]["source"]["id"]]["used_by"].append({"title": f"{m['id']}: {m['title']}", "path": f"milestones/{m['id']}.md"})
    ladder = plain(rules.ladder)
    ladder["source"] = {"source": sources[ladder["source"]["id"]], "point": ladder["source"]["point"]}
    sources[ladder["source"]["source"]["id"]]["used_by"].insert(0, {"title": ladder["title"], "path": "milestones/index.md"})
    for q in questions.values():
        q["type_words"] = _type_words(q, words)
        q["read_by"] = [m for m in milestones if q in m["reads"]]
    groups = [{"title": g["title"], "questions": [questions[q["id"]] for q in g["questions"]]} for g in rules.groups]
    by_id = {m["id"]: m for m in milestones}

    def credit(ref, title: str, path: str) -> dict:
        sources[ref["id"]]["used_by"].append({"title": title, "path": path})
        return {"source": sources[ref["id"]], "point": ref["point"], "gave": credit_kinds(ref.get("gave") or [], words)}

    flags = []
    for flag in rules.flags.values():
        item = {**plain(flag), "in_words": in_words(flag["condition"], questions, reference_names, words), "stages": []}
        item["severity"] = flag.get("severity") or "medium"  # the model's default
        item["severity_rank"] = SEVERITIES.index(item["severity"])  # the index lists the most severe first
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
            stage["source_number"] = stage.get("number")  # as the source numbers it, if it does
            stage["number"] = number
            stage["framework"] = f["id"]
            # The first stage has no condition: a reader is there while no later stage's holds (not "you start here").
            first = words.gettext("no later stage's condition holds yet")
            stage["in_words"] = in_words(stage["when"], questions, reference_names, words) if stage.get("when") else first
            stage["milestones"] = [by_id[m] for m in stage.get("milestones", [])]
            stage.setdefault("this_week", [])  # optional in the model: the page leaves its section out
            # The flags whose conditions test for this stage, and those the stage itself lists (rules/frameworks/*.yaml).
            listed = set(stage.get("flags") or ())
            stage["flags"] = [flag for flag in flags
                              if flag["id"] in listed or _names_stage(rules.flags[flag["id"]]["condition"], f["id"], stage["id"])]
            for flag in stage["flags"]:
                flag["stages"].append(stage)
            stage["crosswalk"] = None
        for before, after in pairwise(item["stages"]):
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
            "cells": [_stage_links(cells[fid], f"{fid}/") for fid in fw_by_id],
            "home_cells": [_stage_links(cells[fid], f"frameworks/{fid}/") for fid in fw_by_id],
        })
        for fid, stages in cells.items():
            for stage in stages:
                _join_period(stage, row["title"], [(fw_by_id[o], cells[o]) for o in fw_by_id if o != fid and cells[o]], words)
    articles = _articles(knowledge, sources, fw_by_id, words)

    def link(item: dict) -> None:
        item["articles"] = [articles[n] for n in item.get("articles", [])]

    for m in milestones:
        link(m)
    for flag in flags:
        link(flag)
    for c in checklists:
        link(c)
    main = fw_by_id.get(rules.crosswalk_main) or (frameworks[0] if frameworks else None)
    for m in milestones:  # the main framework's stages that work on it: their playbooks say what to do there
        m["stages"] = [s for s in main["stages"] if any(x is m for x in s["milestones"])] if main else []
    for f in frameworks:
        for stage in f["stages"]:
            link(stage)
            listed = {a["number"] for a in stage["articles"]}
            stage["tagged"] = [a for a in articles.values()
                               if any(ref["stage"] is stage for ref in a["stages"]) and a["number"] not in listed]
    return {
        "site": site_identity(rules),  # site.id, site.words.reader …: the knowledge base's own words (rules/site.yaml)
        "source_articles_listed": SOURCE_ARTICLES_LISTED,
        "ladder": ladder,
        "articles": list(articles.values()),
        "glossary": sorted(
            ({"aliases": [], **plain(t), "source": sources[t["source"]] if t.get("source") else None} for t in rules.glossary),
            key=lambda t: t["term"].lower(),
        ),
        "outline": _outline(knowledge, articles),
        "tag_groups": _tag_groups(articles),
        "milestones": milestones,
        "groups": groups,
        "sources": list(sources.values()),
        "flags": flags,
        "checklists": checklists,
        "frameworks": frameworks,
        "by_stage": [{"stage": s, "articles": s["articles"] + s["tagged"]} for s in (main["stages"] if main else [])
                     if s["articles"] or s["tagged"]],  # the articles index's reading by stage (the main framework's)
        "crosswalk": crosswalk,
    }


def _stage_links(stages: list[dict], prefix: str) -> MarkdownSafe:
    """One crosswalk cell: links to its stages, or a dash."""
    return MarkdownSafe(", ").join(md_link(s["title"], f"{prefix}{s['id']}.md") for s in stages) or MarkdownSafe("—")


def _join_period(stage: dict, title: str, others: list, words: PageWords) -> None:
    """Add one crosswalk row to a stage's 'in the other frameworks': a stage spanning several
    periods lists them all ('A, then B') and every stage they hold, once, in framework order."""
    if not others:
        return
    if stage["crosswalk"] is None:
        stage["crosswalk"] = {"title": title, "others": []}
    else:
        stage["crosswalk"]["title"] = words.gettext("%(earlier)s, then %(later)s", earlier=stage["crosswalk"]["title"],
                                                    later=title[0].lower() + title[1:])
    for framework, stages in others:
        entry = next((o for o in stage["crosswalk"]["others"] if o["framework"] is framework), None)
        if entry is None:
            stage["crosswalk"]["others"].append({"framework": framework, "stages": list(stages)})
        else:
            entry["stages"] += [s for s in stages if s not in entry["stages"]]


def _articles(knowledge: Knowledge, sources: dict, frameworks: dict, words: PageWords) -> dict:
    outline = knowledge.outline
    items = {}
    for number, a in knowledge.articles.items():
        items[number] = {
            "number": number,
            "title": a.title,
            "summary": a.summary,
            "tags": a.tags,
            "listed_tags": [html.escape(tag, quote=False) for tag in a.tags],  # front matter: the theme prints tags as HTML
            "body": a.body,
            "volume": {"id": a.volume, "title": outline["volumes"].get(a.volume, "")},
            "chapter": {"id": a.chapter, "title": outline["chapters"].get(a.chapter, ""), "page": _chapter_page(a.chapter)},
            "section": {"id": a.section, "title": outline["sections"].get(a.section, ""), "anchor": _section_anchor(a.section)},
            "stages": [_stage_ref(ref, frameworks) for ref in a.stages],
            "sources": [sources[sid] for sid in a.sources],
            "credit": MarkdownSafe(" ").join(article_credit(a.credits, sources, "../", words)),
        }
        for sid in a.sources:
            sources[sid]["articles"].append({"title": f"{number} {a.title}", "path": f"articles/{number}.md"})
    for number, a in knowledge.articles.items():
        items[number]["related"] = [items[n] for n in a.related]
    return items


def _stage_ref(ref: str, frameworks: dict) -> dict:
    fid, sid = ref.split("/", 1)
    stage = next(s for s in frameworks[fid]["stages"] if s["id"] == sid)
    return {"framework": frameworks[fid], "stage": stage, "path": f"frameworks/{fid}/{sid}.md"}


def _outline(knowledge: Knowledge, articles: dict) -> list[dict]:
    """Volumes > chapters > sections, each with the articles in it (empty branches left out)."""
    outline = knowledge.outline
    by_section: dict[str, list[dict]] = {}
    for a in articles.values():
        by_section.setdefault(a["section"]["id"], []).append(a)
    chapters: dict[str, list[dict]] = {}
    for sec_id, sec_title in outline["sections"].items():
        if listed := by_section.get(sec_id):
            chapters.setdefault(sec_id[:-2], []).append(
                {"id": sec_id, "title": sec_title, "ours": sec_id in outline["ours"], "articles": listed, "count": len(listed),
                 "anchor": _section_anchor(sec_id)})
    volumes: dict[str, list[dict]] = {}
    for cid, ctitle in outline["chapters"].items():
        if sections := chapters.get(cid):
            volumes.setdefault(cid.split(".")[0], []).append({"id": cid, "title": ctitle, "ours": cid in outline["ours"], "sections": sections,
                                                         "page": _chapter_page(cid)})
    return [{"id": vid, "title": vtitle, "ours": vid in outline["ours"], "chapters": volumes[vid]}
            for vid, vtitle in outline["volumes"].items() if vid in volumes]


def _tag_groups(articles: dict) -> list[dict]:
    """Tags by first letter: one listing page per letter keeps every tag page small at any size."""
    counts: dict[str, int] = {}
    for a in articles.values():
        for tag in a["tags"]:
            counts[tag] = counts.get(tag, 0) + 1
    groups: dict[str, list[dict]] = {}
    for tag in sorted(counts, key=lambda t: (t.lower(), t)):
        first = tag[:1].upper()
        letter = first if "A" <= first <= "Z" else "#"
        # "listed": the name as the article's front matter gives it to the tags plugin (escaped), so the listing finds it
        groups.setdefault(letter, []).append({"name": tag, "listed": html.escape(tag, quote=False), "count": counts[tag]})
    return [{"letter": letter, "page": f"tags/{'other' if letter == '#' else letter.lower()}.md", "tags": tags}
            for letter, tags in sorted(groups.items())]


def _chapter_page(chapter: str) -> str:
    """Chapter indexes hold the article tables; relative to articles/."""
    return f"chapter-{chapter}.md"


def _section_anchor(section: str) -> str:
    return "section-" + section.replace(".", "-")


def _names_stage(condition: str, framework: str, stage: str) -> bool:
    """Does a condition test for this stage, as in stage('framework') == 'stage'?"""

    def walk(node) -> bool:
        if node.kind == "cmp" and node.value == "==":
            sides = {(a.kind, a.value if a.kind != "call" else (a.value, a.args[0].value)) for a in node.args}
            if ("call", ("stage", framework)) in sides and ("str", stage) in sides:
                return True
        return any(walk(arg) for arg in node.args)

    return walk(parse(condition))


def _type_words(q: dict, words: PageWords) -> str:
    """'a whole number, customers (at least 0)': what an answer is, for the questions page."""
    gettext = words.gettext
    kinds = {"integer": gettext("a whole number"), "number": gettext("a number"), "boolean": gettext("yes or no"),
             "choice": gettext("one of a list")}
    text = kinds[q["type"]]
    bounds = []
    low, high = (format(q[key], "g") if key in q else None for key in ("min", "max"))
    if low is not None:
        bounds.append(gettext("at least %(number)s", number=low))
    if high is not None:
        bounds.append(gettext("at most %(number)s", number=high))
    if q.get("unit"):
        text += f", {q['unit']}"
    return text + (f" ({', '.join(bounds)})" if bounds else "")
