"""Ids and data attributes that belong to the site's scripts: no text from rules/ or content/ may claim one.

The widget finds its mount by id (``kb-assess``) and its own elements by ``kb-…`` ids and ``data-kb…``
attributes; the theme finds its controls by ``__…`` ids and ``data-md-…`` attributes and copies
``data-clipboard-text`` to the clipboard. An element a page's text made with one of those ids would be
found first: ``#kb-assess`` on the home page mounts the assessment there. And an element whose id is a
name a script reads as a global (``window.kbEarlyWorker``, ``"requestIdleCallback" in window``)
becomes that global (DOM clobbering). So, declared once here:

- an id is the scripts' own when it starts with ``kb-``, ``kb_``, ``md-`` or ``__``, in any case, or is
  one of ``GLOBALS``. ``check`` refuses such an id in an attribute list and as a rules id that becomes
  an anchor; a heading whose anchor would be one gets another (``unreserved_slugify``); the sanitiser
  drops every one but the templates' own (``TEMPLATE_IDS``).
- text carries no ``data-*`` attribute at all (``check`` refuses attribute lists beyond ``#id`` and
  ``.class``); the sanitiser keeps only the templates' own, by name and value (``TEMPLATE_DATA``).

tests/test_script_ids.py reads every site script, the theme override, the page templates and the
theme's own templates, and fails on an id, selector, data attribute or global they use that this
module does not cover: a new one cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable

RESERVED_PREFIXES = ("kb-", "kb_", "md-", "__")
# Names the site's page scripts read as properties of window (also as `"name" in window`); kb_… ones are
# covered by their prefix. A platform name (print, caches) is here too: where a browser lacks it, an
# element with that id would stand in for it.
GLOBALS = frozenset({
    "kbEarlyWorker", "kbEngineStarted", "document$", "Worker", "caches", "print", "addEventListener",
    "requestIdleCallback", "BroadcastChannel", "localStorage", "matchMedia", "scrollBy",
})
TEMPLATE_IDS = frozenset({"kb-assess"})  # the assessment page's mount (templates/assess.md.j2)
TEMPLATE_DATA = {  # what the page templates write: assess.md.j2 (the widget's first state), article.md.j2 (search)
    "data-kb": frozenset({"status"}),
    "data-kb-state": frozenset({"loading"}),
    "data-search-exclude": frozenset({"true"}),
}
_GLOBALS_LOWER = {name.lower(): name for name in GLOBALS}


def reserved_id(value: str) -> bool:
    """Does this id (or id prefix) belong to the site's scripts? Compared in any case: ids are not for look-alikes."""
    return bool(why_reserved(value))


def why_reserved(value: str) -> str:
    """A hint that says why the id is the scripts' own, or '' if it is free."""
    lowered = value.lower()
    if lowered.startswith(RESERVED_PREFIXES):
        return "ids starting with 'kb-', 'kb_', 'md-' or '__' (in any case) belong to the site's scripts: choose another id"
    if lowered in _GLOBALS_LOWER:
        return (f"the site's scripts read window.{_GLOBALS_LOWER[lowered]}, and an element with this id would stand in for it: "
                "choose another id")
    return ""


def template_attribute(name: str, value: str) -> bool:
    """Is this data attribute one the page templates write, with a value they write?"""
    return value in TEMPLATE_DATA.get(name, ())


def unreserved_slugify(slugify: Callable[[str, str], str]) -> Callable[[str, str], str]:
    """``slugify`` for heading anchors, except that an anchor the scripts own gets a 'heading-' in front.

    A heading 'KB assess' would otherwise be ``<h2 id="kb-assess">``, and the widget would mount on it.
    """

    def slug(value: str, separator: str) -> str:
        made = slugify(value, separator)
        return f"heading{separator}{made}" if reserved_id(made) else made

    slug.unreserved = True  # so that it is wrapped once, however often the configuration is read
    return slug
