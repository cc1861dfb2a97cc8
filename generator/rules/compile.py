"""Compile validated rules into the plain document the engine scores with.

The same JSON goes to the CLI, to the tests and, as ``rules.json``, to the
browser. Only what scoring and the form need is kept; prose for pages stays
with the page renderer.
"""

from __future__ import annotations

import json

from ..i18n import DEFAULT_LANGUAGE
from ..locale_tables import ENGINE, engine_table, language_of, translate_word
from ..scoring import RULES_FORMAT, Engine
from .load import Rules
from .site import site_identity

_QUESTION_KEYS = ("id", "type", "label", "help", "group", "noun", "noun_one", "measure", "unit", "min", "max", "step", "choices", "improves")


def plain(value):
    """YMap/YList -> dict/list, recursively."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def compile_rules(rules: Rules, articles: dict | None = None, language: str = DEFAULT_LANGUAGE) -> dict:
    """``articles`` (number -> Article) lets the document name the articles rules point to; ``language`` (the site's,
    mkdocs.yml's theme.language) is the engine's sentences' and the default words': English needs no table."""
    return compile_engine(rules, articles, language)[0]


def compile_engine(rules: Rules, articles: dict | None = None, language: str = DEFAULT_LANGUAGE) -> tuple[dict, Engine]:
    """compile_rules' document and the engine built from it, which proves the engine accepts what it will be given:
    a caller that scores uses that one instead of building it again."""
    articles = articles or {}

    def reading(entity) -> list[dict]:
        return [
            {"number": n, "title": articles[n].title, "page": f"articles/{n}/"}
            for n in entity.get("articles", []) if n in articles
        ]

    document = {
        "format": RULES_FORMAT,
        "site": site_identity(rules, translate_word(language)),
        "groups": [{"id": g["id"], "title": g["title"]} | ({"open_when": g["open_when"]} if g.get("open_when") else {})
                   for g in rules.groups],
        "questions": [
            {k: plain(q[k]) for k in _QUESTION_KEYS if k in q} | ({"article": reading({"articles": [q["article"]]})[0]}
                                                                   if q.get("article") in articles else {})
            for q in rules.questions.values()
        ],
        "constraints": [{k: c[k] for k in ("id", "rule", "message")} for c in rules.constraints],
        "milestones": [
            {
                "id": m["id"],
                "title": m["title"],
                "summary": m["summary"],
                "condition": m["condition"],
                "optional": m["optional"],
                "page": f"milestones/{m['id']}/",
                "articles": reading(m),
            }
            for m in rules.milestones.values()
        ],
        "frameworks": [
            {
                "id": f["id"],
                "title": f["title"],
                "page": f"frameworks/{f['id']}/",
                "stages": [
                    {k: plain(s[k]) for k in ("id", "title", "summary", "focus", "when", "this_week") if k in s}
                    | {"page": f"frameworks/{f['id']}/{s['id']}/", "articles": reading(s)}
                    for s in f["stages"]
                ],
            }
            for f in rules.frameworks.values()
        ],
        "checklists": [
            {"id": c["id"], "title": c["title"], "items": list(c["items"]), "page": f"checklists/{c['id']}/"}
            for c in rules.checklists.values()
        ],
        "flags": [
            {
                "id": f["id"], "title": f["title"], "condition": f["condition"], "severity": f["severity"], "page": f"flags/{f['id']}/",
                "articles": reading(f),
                "see": [a["page"] for a in reading(f)] or [f"flags/{f['id']}/"],
            }
            for f in rules.flags.values()
        ],
        "consistency": [{k: c[k] for k in ("id", "when", "message")} for c in rules.consistency],
        "crosswalk_main": rules.crosswalk_main,
        "crosswalk": [
            {"id": row["id"], "title": row["title"], "stages": {fid: list(sids) for fid, sids in row["stages"].items()}}
            for row in rules.crosswalk
        ],
    }
    if language_of(ENGINE, language) != DEFAULT_LANGUAGE:
        document["messages"] = engine_table(language)
    return document, Engine(document)


def rules_json(document: dict) -> str:
    """Stable serialisation: byte-identical for identical rules."""
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
