"""The last gate before a built site replaces the old one: no page may carry script from rules or content.

The sanitiser and the escaping of titles should make every finding here
impossible, so a finding is a bug in those layers, and the build stops
rather than publishing it. What is checked, on every HTML page:

- no event-handler attribute (``on...=``) and no ``javascript:``, ``vbscript:``
  or ``data:`` URL in a link, source or form attribute;
- no element that can load or run code from text (iframe, object, embed,
  base, a meta refresh);
- every page runs the same inline scripts (the theme's, which vary only in the
  page's path to the site root): a script found on some pages but not on others came
  from a page's text. Their hashes are what the Content-Security-Policy allows.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..render.html_policy import attribute_pairs, url_scheme
from .csp import executable_inline_scripts, script_hash

_TAG = re.compile(r"<([A-Za-z][^\s/>]*)((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*/?>", re.S)
# A tag that could hold anything findings() reports: an on... attribute, a script or data URL (also spelled
# with entities or control characters), or an element that is forbidden or needs a closer look.
_SUSPECT = re.compile(r"<(?:(?:iframe|frame|object|embed|base|applet|portal|meta)\b[^>]*>|[A-Za-z][^>]*?"
                      r"(?:\son|script\s*:|data\s*:|&|[\x00-\x08\x0b\x0c\x0e-\x1f\t\n\r])[^>]*>)", re.I)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data", "ping"})
_FORBIDDEN_TAGS = frozenset({"iframe", "frame", "object", "embed", "base", "applet", "portal"})
_SCOPE = re.compile(r'new URL\("[^"\\<>]*",location\)')
_BAD_SCHEMES = frozenset({"javascript", "vbscript", "data"})


def findings(page: str) -> list[str]:
    """What is wrong with one page's HTML."""
    found = []
    for suspect in _SUSPECT.finditer(_without_script_bodies(page)):  # a cheap pass first: most tags are plain
        match = _TAG.match(suspect.group(0))
        if match is None:
            continue
        tag = match.group(1).lower()
        if tag in _FORBIDDEN_TAGS:
            found.append(f"a <{tag}> element")
        attributes = dict(attribute_pairs(match.group(2)))
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            found.append("a <meta http-equiv=refresh>")
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"an event handler {name}= on <{tag}>")
            elif name in _URL_ATTRIBUTES and url_scheme(value) in _BAD_SCHEMES:
                found.append(f"a {url_scheme(value)}: URL in {name}= on <{tag}>")
    return found


def inline_script_set(page: str) -> set[str]:
    """The page's inline scripts, with the theme's one page-specific value (its path to the site root) blanked."""
    return {_SCOPE.sub('new URL("$BASE",location)', script) for script in executable_inline_scripts(page)}


def audit_site(pages: dict[Path, str], site: Path) -> tuple[list[str], set[str]]:
    """(problems, the hashes of every inline script) for a built site's pages."""
    problems: list[str] = []
    hashes: set[str] = set()
    shapes: dict[frozenset[str], list[str]] = {}
    for path, text in sorted(pages.items()):
        rel = path.relative_to(site).as_posix()
        problems += [f"{rel}: {what}" for what in dict.fromkeys(findings(text))]
        shapes.setdefault(frozenset(inline_script_set(text)), []).append(rel)
        hashes.update(script_hash(script) for script in executable_inline_scripts(text))
    if len(shapes) > 1:
        usual = max(shapes, key=lambda shape: len(shapes[shape]))
        for shape, rels in shapes.items():
            if shape != usual:
                extra = sorted(shape - usual)
                shown = (extra[0][:60] + ("…" if len(extra[0]) > 60 else "")) if extra else "fewer scripts"
                problems += [f"{rel}: an inline script the other pages do not run ({shown!r})" for rel in rels[:20]]
    return problems, hashes


def _without_script_bodies(page: str) -> str:
    return re.sub(r"(<script\b[^>]*>).*?(</script\s*>)", r"\1\2", page, flags=re.S | re.I)
