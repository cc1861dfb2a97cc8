"""Rule facts in prose: ``[[KIND.ID.FIELD]]`` in a text becomes the rules' own words.

Articles, page texts and every text field of the rules may state a rule's
facts this way (``[[milestone.m5.met_when]]``), so a rule change updates every
page that states it. ``check`` refuses an unknown kind, id or field at its
position; the loaders expand the facts once everything is valid, so pages,
rules.json and the engine's texts all carry the same words. Text in code
spans (`` `[[…]]` ``) is left alone: that is how documentation shows the syntax.
"""

from __future__ import annotations

import re

from ..errors import did_you_mean
from .conditions import in_words, labels

FACT = re.compile(r"\[\[([^\[\]\n]*)\]\]")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)

# kind -> field -> what it gives. The one declaration of what prose may quote from the rules.
FIELDS: dict[str, dict[str, str]] = {
    "milestone": {
        "title": "the milestone's title",
        "summary": "its one-sentence summary",
        "met_when": "its condition in words, as its page prints it after 'Met when'",
    },
    "flag": {
        "title": "the warning's title",
        "raised_when": "its condition in words, as its page prints it after 'Raised when'",
    },
    "checklist": {
        "title": "the checklist's title",
        "size": "how many questions it counts, in figures",
    },
    "ladder": {  # the one ladder, whose id is 'ladder'
        "keep": "the ladder's rule for milestones already met (its `keep:`); ID is `ladder`",
    },
}


def fact_problems(text: str, known: dict[str, set[str]]) -> list[tuple[int, str, str]]:
    """(offset, message, hint) for every fact in ``text`` that names no kind, id or field the rules have."""
    out = []
    for match in _facts(text):
        parts = match.group(1).split(".")
        if len(parts) != 3:
            out.append((match.start(), f"rule fact [[{match.group(1)}]] is not KIND.ID.FIELD", "e.g. [[milestone.m5.met_when]]"))
            continue
        kind, ident, name = parts
        if kind not in FIELDS:
            out.append((match.start(), f"unknown kind {kind!r} in rule fact [[{match.group(1)}]]", did_you_mean(kind, FIELDS) or "kinds: " + ", ".join(FIELDS)))
        elif ident not in known.get(kind, ()):
            out.append((match.start() + 3 + len(kind), f"unknown {kind} {ident!r} in rule fact [[{match.group(1)}]]",
                        did_you_mean(ident, sorted(known.get(kind, ()))) or f"no {kind} has this id"))
        elif name not in FIELDS[kind]:
            out.append((match.start() + 4 + len(kind) + len(ident), f"unknown field {name!r} in rule fact [[{match.group(1)}]]",
                        did_you_mean(name, FIELDS[kind]) or "fields: " + ", ".join(FIELDS[kind])))
    return out


def known_ids(rules) -> dict[str, set[str]]:
    return {"milestone": set(rules.milestones), "flag": set(rules.flags), "checklist": set(rules.checklists),
            "ladder": {"ladder"} if rules.ladder and rules.ladder.get("keep") else set()}


def fact_table(rules) -> dict[str, str]:
    """Every fact's value, computed from the rules as written (facts inside them are not expanded twice)."""
    questions, names = rules.questions, labels(rules)
    table = {}
    for mid, m in rules.milestones.items():
        table |= {f"milestone.{mid}.title": m["title"], f"milestone.{mid}.summary": m["summary"],
                  f"milestone.{mid}.met_when": in_words(m["condition"], questions)}
    for fid, flag in rules.flags.items():
        table |= {f"flag.{fid}.title": flag["title"], f"flag.{fid}.raised_when": in_words(flag["condition"], questions, names)}
    for cid, c in rules.checklists.items():
        table |= {f"checklist.{cid}.title": c["title"], f"checklist.{cid}.size": str(len(c["items"]))}
    if rules.ladder and rules.ladder.get("keep"):
        table["ladder.ladder.keep"] = rules.ladder["keep"]
    return table


def expand(text: str, table: dict[str, str]) -> str:
    """``text`` with every fact outside code replaced by its value (check has refused unknown ones)."""
    if "[[" not in text:
        return text
    out, last = [], 0
    for code in [*_CODE.finditer(text), None]:
        end = code.start() if code else len(text)
        out.append(FACT.sub(lambda m: table.get(m.group(1), m.group(0)), text[last:end]))
        if code:
            out.append(code.group(0))
            last = code.end()
    return "".join(out)


def _facts(text: str):
    if "[[" not in text:
        return
    code = [(m.start(), m.end()) for m in _CODE.finditer(text)]
    for match in FACT.finditer(text):
        if not any(start <= match.start() < end for start, end in code):
            yield match


def check_rule_texts(rules, texts) -> None:
    """Report unknown facts in rules text fields, at their position (``texts`` from the shape check)."""
    from ..rules.yamlfile import expr_pos

    known = known_ids(rules)
    for text, file, pos, style in texts:
        for offset, message, hint in fact_problems(text, known):
            file.problem(expr_pos(file.lines, pos, style, offset), message, hint)


def expand_rules(rules) -> None:
    """Replace facts in every text of the loaded rules, in place."""
    table = fact_table(rules)

    def walk(node):
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            if isinstance(value, str) and "[[" in value:
                node[key] = expand(value, table)
            elif isinstance(value, (dict, list)):
                walk(value)

    for value in vars(rules).values():
        if isinstance(value, (dict, list)):
            walk(value)
