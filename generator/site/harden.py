"""The safety layers that run on the built site, whichever engine built it (MkDocs or Zensical).

Neither engine is trusted to run our code: Zensical runs no MkDocs plugins, so
everything that keeps text from rules/ and content/ inert works on the files
the engine wrote:

- every page's article body (``<article class="md-content__inner md-typeset">``,
  where both engines put the page's content and its tags) is passed through
  the allow-list sanitiser (``render/html_policy.sanitize``); a page whose
  article cannot be found exactly once is refused, since nothing could say
  which part of it came from text;
- the search index, whose entries the theme shows as HTML, is sanitised
  entry by entry with the same policy;
- then the audit reads every page as a browser would, and the
  Content-Security-Policy is added to each (``audit.py``, ``csp.py``).

Titles need no step here: the generated Markdown escapes them, the engines
print them as escaped text, and the theme override escapes the <title>
(``generator/theme/main.html``); the audit is the backstop.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import Problem, UserError
from ..render.html_policy import sanitize
from .audit import audit_site
from .csp import add_policy

ARTICLE = '<article class="md-content__inner md-typeset">'
ARTICLE_END = "</article>"
THEME_LEADS = ('<a id="__skip" tabindex="-1"></a>',)  # Zensical's skip-link target opens its article: the theme's own
SEARCH_INDEXES = ("search/search_index.json", "search.json")  # MkDocs' search plugin, Zensical
_REPORT = "the sanitiser or a template let this through, not your text: please report it"


def harden_site(site: Path) -> None:
    """Sanitise, audit and give every page the policy; raise UserError (the site is not published) on a finding."""
    pages = {path: path.read_text(encoding="utf-8") for path in site.rglob("*.html")}
    cleaned, unfound = sanitize_pages(pages, site)
    problems, hashes = audit_site(cleaned, site)
    problems = unfound + problems
    if problems:
        raise UserError([Problem("site", 1, 1, f"a built page fails the safety audit: {what}", _REPORT) for what in problems[:20]])
    for path, text in add_policy(cleaned, hashes).items():
        path.write_text(text, encoding="utf-8")
    for rel in SEARCH_INDEXES:
        if (site / rel).is_file():
            sanitize_search_index(site / rel)


def sanitize_pages(pages: dict[Path, str], site: Path) -> tuple[dict[Path, str], list[str]]:
    """Each page with its article body sanitised, and a finding for each page whose article is not there once."""
    cleaned, unfound = {}, []
    for path, text in pages.items():
        start, end = text.find(ARTICLE), text.rfind(ARTICLE_END)
        if "<head" not in text[:1024].lower():
            cleaned[path] = text  # not a page: a fragment a theme ships, which no page includes (the audit still reads it)
        elif start < 0 or text.count(ARTICLE) != 1 or end < start:
            unfound.append(f"{path.relative_to(site).as_posix()}: no single article body ({ARTICLE}…{ARTICLE_END}) to sanitise")
        else:
            cleaned[path] = text[:start + len(ARTICLE)] + sanitize_body(text[start + len(ARTICLE):end]) + text[end:]
    return cleaned, unfound


def sanitize_body(body: str) -> str:
    """An article's inner HTML through the policy; the theme's own leading element is kept as the theme wrote it."""
    stripped = body.lstrip()
    for lead in THEME_LEADS:
        if stripped.startswith(lead):
            return body[: len(body) - len(stripped)] + lead + sanitize(stripped[len(lead):])
    return sanitize(body)


def sanitize_search_index(path: Path) -> None:
    """Every title, text, tag and path entry of a search index through the policy (the theme shows them as HTML)."""
    index = json.loads(path.read_text(encoding="utf-8"))
    for entry in index.get("docs", index.get("items", [])):
        for key in ("title", "text"):
            if isinstance(entry.get(key), str):
                entry[key] = sanitize(entry[key])
        for key in ("tags", "path"):
            if isinstance(entry.get(key), list):
                entry[key] = [sanitize(item) if isinstance(item, str) else item for item in entry[key]]
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
