"""Credit lines in words: what each source gave a page, and what is this knowledge base's own.

"Number, title and summary from CxO-Atlas (its list of stage-6 articles). Text written for
this knowledge base; the summary follows the source's, in our words." The kinds and their
words are declared once, in ``rules.model.CREDIT_KINDS``.
"""

from __future__ import annotations

from ..rules.model import CREDIT_KINDS, PAGE_PARTS
from .markdown_text import MarkdownSafe, md_link, md_text


def article_credit(credits: list[dict], sources: dict, prefix: str) -> list[MarkdownSafe]:
    """One sentence of Markdown per source, then one for what no source gave (the text, always)."""
    lines, given = [], set()
    for credit in credits:
        lines.append(source_sentence(sources[credit["id"]], credit["gave"], credit.get("point"), prefix))
        given.update(credit["gave"])
    ours = [CREDIT_KINDS[part] for part in PAGE_PARTS if part not in given] + ["text"]
    last = _join(ours).capitalize() + " written for this knowledge base"
    if "summary" in given:
        last += "; the summary follows the source's, in our words"
    lines.append(md_text(last + "."))
    return lines


def source_sentence(source: dict, gave: list[str], point: str | None, prefix: str) -> MarkdownSafe:
    """The source's title links to its entry; every value in the sentence is escaped as text."""
    link = md_link(source["title"], f"{prefix}sources.md#{source['id']}") + ", " + md_text(source["author"])
    kinds = [CREDIT_KINDS[kind] for kind in gave if kind != "general"]
    where = MarkdownSafe(" ({})").format(md_text(point)) if point else MarkdownSafe()
    if kinds:
        sentence = MarkdownSafe("{} from {}{}.").format(_join(kinds).capitalize(), link, where)
    else:
        sentence = MarkdownSafe("Drawing on {}{}:").format(link, where)
    if "general" in gave:
        sentence += f" {'Anything' if kinds else 'anything'} more it says of that work is {CREDIT_KINDS['general']}."
    return sentence


def credit_kinds(gave: list[str]) -> dict:
    """For a rule's credit line: {'what': 'Framework and facts', 'general': sentence or ''}."""
    kinds = [CREDIT_KINDS[kind] for kind in gave if kind != "general"]
    return {"what": _join(kinds).capitalize() if kinds else "",
            "general": f"Anything more it says of that work is {CREDIT_KINDS['general']}." if "general" in gave else ""}


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
