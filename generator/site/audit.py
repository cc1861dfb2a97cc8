"""The last gate before a built site replaces the old one: no page may carry script from rules or content.

The sanitiser and the escaping of titles should make every finding here
impossible, so a finding is a bug in those layers, and the build stops
rather than publishing it. Each page is read by an HTML tokenizer (the
standard library's ``html.parser``), not by patterns, so that spellings a
browser accepts (``<img/onerror=…>``, entities and control characters inside
a URL, upper case) are seen as the browser sees them. What is checked, on
every HTML page:

- no event-handler attribute (``on...=``) and no ``javascript:``, ``vbscript:``
  or ``data:`` URL in a link, source or form attribute;
- no element that can load or run code from text (iframe, object, embed,
  base, a meta refresh);
- no control character (NUL, ESC…) anywhere in a page, and an id the widget is found by (``kb-assess``)
  on one element of the whole site only: the one its template wrote;
- every page runs the same inline scripts (the theme's, which vary only in the
  page's path to the site root): a script found on some pages but not on others came
  from a page's text. Their hashes are what the Content-Security-Policy allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..render.html_policy import url_scheme
from ..render.script_ids import TEMPLATE_IDS
from ..rules.characters import describe
from .csp import script_hash

_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data", "ping"})
_FORBIDDEN_TAGS = frozenset({"iframe", "frame", "object", "embed", "base", "applet", "portal"})
_BAD_SCHEMES = frozenset({"javascript", "vbscript", "data"})
_SCRIPT_TYPES = frozenset({"", "text/javascript", "module", "application/javascript"})  # what a browser runs
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SCOPE = re.compile(r'new URL\("[^"\\<>]*",location\)')


@dataclass
class PageAudit:
    findings: list[str] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)  # the text of every inline script a browser would run
    script_ids: list[str] = field(default_factory=list)  # the ids of script_ids.TEMPLATE_IDS on the page, once each time


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # attribute values arrive with entities decoded, as a browser reads them
        self.audit = PageAudit()
        self._script: list[str] | None = None  # the text of an inline script being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = self.audit.findings
        values = {name: value or "" for name, value in attrs}
        if values.get("id") in TEMPLATE_IDS:
            self.audit.script_ids.append(values["id"])
        if tag in _FORBIDDEN_TAGS:
            found.append(f"a <{tag}> element")
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            found.append("a <meta http-equiv=refresh>")
        for name, value in values.items():
            if name.startswith("on"):
                found.append(f"an event handler {name}= on <{tag}>")
            elif name in _URL_ATTRIBUTES and url_scheme(value) in _BAD_SCHEMES:
                found.append(f"a {url_scheme(value)}: URL in {name}= on <{tag}>")
        if tag == "script" and "src" not in values and values.get("type", "").strip().lower() in _SCRIPT_TYPES:
            self._script = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._script = None  # <script/> still opens a script in HTML; an empty one runs nothing

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.audit.inline_scripts.append("".join(self._script))
            self._script = None


def read_page(page: str) -> PageAudit:
    """What one page's HTML carries that the audit looks at."""
    reader = _Reader()
    reader.feed(page)
    reader.close()
    control = _CONTROL.search(page)
    if control:
        reader.audit.findings.append(f"a control character, {describe(control.group(0))}")
    return reader.audit


def findings(page: str) -> list[str]:
    """What is wrong with one page's HTML."""
    return read_page(page).findings


def inline_script_shape(scripts: list[str]) -> frozenset[str]:
    """A page's inline scripts, with the theme's one page-specific value (its path to the site root) blanked."""
    return frozenset(_SCOPE.sub('new URL("$BASE",location)', script) for script in scripts)


def audit_site(pages: dict[Path, str], site: Path) -> tuple[list[str], set[str]]:
    """(problems, the hashes of every inline script) for a built site's pages."""
    return site_problems({path.relative_to(site).as_posix(): read_page(text) for path, text in sorted(pages.items())})


def site_problems(audits: dict[str, PageAudit]) -> tuple[list[str], set[str]]:
    """(problems, the hashes of every inline script) from each page's audit, by its path in the site, in the order
    given: its own findings, and what only the pages together show (a script-owned id twice, an inline script some
    pages lack)."""
    problems: list[str] = []
    hashes: set[str] = set()
    shapes: dict[frozenset[str], list[str]] = {}
    owned: dict[str, list[str]] = {}  # script-owned id -> the pages it is on, once per element
    for rel, audit in audits.items():
        problems += [f"{rel}: {what}" for what in dict.fromkeys(audit.findings)]
        shapes.setdefault(inline_script_shape(audit.inline_scripts), []).append(rel)
        hashes.update(script_hash(script) for script in audit.inline_scripts)
        for ident in audit.script_ids:
            owned.setdefault(ident, []).append(rel)
    for ident, rels in owned.items():
        problems += [f"{rel}: another element with the id {ident!r}, which the site's scripts look up (the first is in {rels[0]})"
                     for rel in rels[1:21]]
    if len(shapes) > 1:
        usual = max(shapes, key=lambda shape: len(shapes[shape]))
        for shape, rels in shapes.items():
            if shape != usual:
                extra = sorted(shape - usual)
                shown = (extra[0][:60] + ("…" if len(extra[0]) > 60 else "")) if extra else "fewer scripts"
                problems += [f"{rel}: an inline script the other pages do not run ({shown!r})" for rel in rels[:20]]
    return problems, hashes
