"""Rule facts in prose: ``[[KIND.ID.FIELD]]`` in a text becomes the rules' own words.

Articles, page texts and every text field of the rules may state a rule's
facts this way (``[[milestone.m5.met_when]]``), so a rule change updates every
page that states it. ``check`` refuses an unknown kind, id or field at its
position; the loaders expand the facts once everything is valid, so pages,
rules.json and the engine's texts all carry the same words. A fact is text:
in Markdown its value is escaped (``markdown_text.markdown_escape``), and a
text that becomes markup once its facts are filled in is refused at the fact. Text in code
spans (`` `[[…]]` ``) is left alone: that is how documentation shows the syntax.
"""

from __future__ import annotations

import re

from ..errors import did_you_mean
from .conditions import in_words, labels
from .html_policy import FACT, markup_problems
from .markdown_text import markdown_escape

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
            out.append((match.start(), f"unknown kind {kind!r} in rule fact [[{match.group(1)}]]",
                        did_you_mean(kind, FIELDS) or "kinds: " + ", ".join(FIELDS)))
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


def fact_table(rules, words=None) -> dict[str, str]:
    """Every fact's value, computed from the rules as written (facts inside them are not expanded twice);
    conditions in words in the knowledge base's language (``words``, a ``translate.PageWords``; English when None)."""
    questions, names = rules.questions, labels(rules, words)
    table = {}
    for mid, m in rules.milestones.items():
        table |= {f"milestone.{mid}.title": m["title"], f"milestone.{mid}.summary": m["summary"],
                  f"milestone.{mid}.met_when": in_words(m["condition"], questions, words=words)}
    for fid, flag in rules.flags.items():
        table |= {f"flag.{fid}.title": flag["title"], f"flag.{fid}.raised_when": in_words(flag["condition"], questions, names, words)}
    for cid, c in rules.checklists.items():
        table |= {f"checklist.{cid}.title": c["title"], f"checklist.{cid}.size": str(len(c["items"]))}
    if rules.ladder and rules.ladder.get("keep"):
        table["ladder.ladder.keep"] = rules.ladder["keep"]
    return table


def expand(text: str, table: dict[str, str], markdown: bool = False) -> str:
    """``text`` with every fact outside code replaced by its value (check has refused unknown ones).

    In Markdown (a body, a ``text`` field) each value is escaped as Markdown text: a fact expands to
    words, never to syntax. One-line fields get the plain words: pages escape them whole.
    """
    return _expand(text, table, markdown)[0] if "[[" in text else text


def _expand(text: str, table: dict[str, str], markdown: bool) -> tuple[str, list[tuple[int, int, int, int]]]:
    """The expanded text, and (start, end, new start, new end) for each fact replaced."""
    out, spans, last, length = [], [], 0, 0
    for match in _facts(text):
        value = table.get(match.group(1))
        if value is None:
            continue
        value = markdown_escape(value).strip(" ") if markdown else value  # spaces around it would undo *[[…]]*
        out.append(text[last:match.start()])
        length += match.start() - last
        spans.append((match.start(), match.end(), length, length + len(value)))
        out.append(value)
        length += len(value)
        last = match.end()
    out.append(text[last:])
    return "".join(out), spans


def assembled_markup(text: str, table: dict[str, str]) -> list[tuple[int, str, str]]:
    """(offset in ``text``, message, hint) for markup that only appears once the facts are filled in.

    A value is escaped, but the text around it is not: ``{[[flag.x.title]]}`` with the title
    ``: data-clipboard-text=… `` makes an attribute list no one wrote. Such text is refused at the fact.
    """
    if "[[" not in text:
        return []
    expanded, spans = _expand(text, table, markdown=True)
    return [(_source_offset(offset, spans), f"once its rule facts are filled in, {message}",
             "a rule fact stands for words: write any link or attribute list around it in full, in the text itself")
            for offset, message, _ in markup_problems(expanded)]


def _source_offset(offset: int, spans: list[tuple[int, int, int, int]]) -> int:
    """Where an offset of the expanded text comes from: inside a value, the fact's own start."""
    shift = 0
    for start, end, new_start, new_end in spans:
        if offset < new_start:
            break
        if offset < new_end:
            return start
        shift = end - new_end
    return offset + shift


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


def expand_rules(rules, files, words=None) -> None:
    """Replace facts in every text of the loaded rules, in place, as the model types each field.

    ``files``: (kind, file) for every rules file. A Markdown field that becomes markup once its
    facts are filled in is reported on its file, at the fact.
    """
    from ..rules.yamlfile import expr_pos

    table = fact_table(rules, words)

    def walk(node, fields, file) -> None:
        for f in fields:
            if not isinstance(node, dict) or node.get(f.name) is None:
                continue
            base, many = f.type.removeprefix("list:"), f.type.startswith("list:")
            values = node[f.name] if many else [node[f.name]]
            if base == "object":
                for item in values:
                    walk(item, f.fields, file)
            elif base in ("line", "text"):
                for index, value in enumerate(values):
                    if not isinstance(value, str) or "[[" not in value:
                        continue
                    if many:
                        pos, style = values.item_pos[index], values.item_style[index]
                    else:
                        pos, style = node.value_pos[f.name], node.value_style.get(f.name)
                    if base == "text":
                        for offset, message, hint in assembled_markup(value, table):
                            file.problem(expr_pos(file.lines, pos, style, offset), message, hint)
                    values[index] = expand(value, table, markdown=base == "text")
                if not many:
                    node[f.name] = values[0]

    for kind, file in files:
        walk(file.data, kind.fields, file)
