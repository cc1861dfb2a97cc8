"""Credit lines in words: what each source gave a page, and what is this knowledge base's own.

"Number, title and summary from CxO-Atlas (its list of stage-6 articles). Text written for
this knowledge base; the summary follows the source's, in our words." The kinds are declared
once, in ``rules.model.CREDIT_KINDS``; their words here, in the page's language.
"""

from __future__ import annotations

from ..rules.model import PAGE_PARTS
from .markdown_text import MarkdownSafe, md_link, md_text


def kind_words(words) -> dict[str, str]:
    """Each kind of credit in words (``rules.model.CREDIT_KINDS`` has the same keys; a test holds them together)."""
    gettext = words.gettext
    return {
        "number": gettext("number"),
        "title": gettext("title"),
        "summary": gettext("summary"),
        "argument": gettext("argument"),
        "idea": gettext("idea"),
        "framework": gettext("framework"),
        "facts": gettext("facts"),
        "example": gettext("example"),
        "questions": gettext("list of questions"),
        "general": gettext("general knowledge of the work, not something the document we hold says"),
    }


def article_credit(credits: list[dict], sources: dict, prefix: str, words) -> list[MarkdownSafe]:
    """One sentence of Markdown per source, then one for what no source gave (the text, always)."""
    kinds = kind_words(words)
    lines, given = [], set()
    for credit in credits:
        lines.append(source_sentence(sources[credit["id"]], credit["gave"], credit.get("point"), prefix, words))
        given.update(credit["gave"])
    ours = _join([kinds[part] for part in PAGE_PARTS if part not in given] + [words.gettext("text")], words)
    if "summary" in given:
        last = words.gettext("%(parts)s written for this knowledge base; the summary follows the source's, in our words.",
                             parts=ours)
    else:
        last = words.gettext("%(parts)s written for this knowledge base.", parts=ours)
    lines.append(md_text(_capitalized(last)))
    return lines


def source_sentence(source: dict, gave: list[str], point: str | None, prefix: str, words) -> MarkdownSafe:
    """The source's title links to its entry; every value in the sentence is escaped as text."""
    kinds = kind_words(words)
    link = md_link(source["title"], f"{prefix}sources.md#{source['id']}") + ", " + md_text(source["author"])
    given = [kinds[kind] for kind in gave if kind != "general"]
    where = MarkdownSafe(" ({})").format(md_text(point)) if point else MarkdownSafe()
    if given:
        sentence = words.md_gettext("%(kinds)s from %(source)s%(where)s.", kinds=_capitalized(_join(given, words)),
                                    source=link, where=where)
    else:
        sentence = words.md_gettext("Drawing on %(source)s%(where)s:", source=link, where=where)
    if "general" in gave:
        sentence += " " + _general(bool(given), words)
    return sentence


def credit_kinds(gave: list[str], words) -> dict:
    """For a rule's credit line: {'what': 'Framework and facts', 'general': sentence or ''}."""
    kinds = kind_words(words)
    given = [kinds[kind] for kind in gave if kind != "general"]
    return {"what": _capitalized(_join(given, words)) if given else "",
            "general": _capitalized(_general(True, words)) if "general" in gave else ""}


def _general(after_kinds: bool, words) -> str:
    """'Anything more it says of that work is general knowledge…' (lower-case after a colon)."""
    general = kind_words(words)["general"]
    text = words.gettext("Anything more it says of that work is %(general)s.", general=general)
    return _capitalized(text) if after_kinds else text[:1].lower() + text[1:]


def _join(items: list[str], words) -> str:
    if len(items) == 1:
        return items[0]
    return words.gettext("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1])


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
