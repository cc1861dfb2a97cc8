"""What HTML a page may carry, and what Markdown in rules/ and content/ may ask for.

Rules and articles arrive as pull requests from people the maintainers may not
know, so their text is untrusted. Two layers keep it from ever running as
script:

- ``markup_problems`` refuses, at ``check`` time and with a position, text
  that asks for raw HTML, an attribute list beyond ``#id``/``.class``, or a
  link or image whose URL is not http(s), mailto or a page of this site.
- ``sanitize`` runs the HTML of every rendered page body through Ammonia
  (``nh3``), an allow-list sanitiser, so whatever ``check`` might miss is
  dropped before the page is written.
- Ids and data attributes the site's scripts use are theirs (``script_ids``):
  ``check`` refuses them in text, and the sanitiser keeps only the templates' own.

Text fields are HTML-escaped before Markdown sees them, so a raw tag that
slipped past ``check`` would show as text anyway; the sanitiser is for what
Markdown itself produces (links, images, attribute lists).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache

import nh3
from markupsafe import escape

from .. import kept
from ..processes import forked_map
from ..rules.characters import MULTI_LINE, first_unsafe
from ..rules.characters import problem as character_problem
from .script_ids import TEMPLATE_DATA, TEMPLATE_IDS, reserved_id, template_attribute, why_reserved

URL_SCHEMES = frozenset({"http", "https", "mailto"})

_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "nav", "noscript", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
_EVERYWHERE = frozenset({"class", "id", "title", "lang", "dir", "role", "hidden", *TEMPLATE_DATA})
_PER_TAG = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"style", "colspan", "rowspan", "align"},
    "th": {"style", "colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed"},
    "details": {"open"},
    "code": set(),
}
_SAFE_ID = re.compile(r"[A-Za-z0-9][\w.:/-]*\Z", re.ASCII)


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """No id the site's scripts own but the templates' mount, and no data attribute but the templates' own."""
    if name == "id" and (not _SAFE_ID.match(value) or reserved_id(value) and value not in TEMPLATE_IDS):
        return None
    if name.startswith("data-") and not template_attribute(name, value):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(_TAGS),
    clean_content_tags={"script", "style", "template", "textarea", "title", "iframe", "object", "embed", "svg", "math"},
    attributes={"*": set(_EVERYWHERE), **{tag: set(names) for tag, names in _PER_TAG.items()}},
    attribute_filter=_keep_attribute,
    url_schemes=set(URL_SCHEMES),
    filter_style_properties={"text-align"},
    strip_comments=False,  # the tags plugin fills its listings in at <!-- material/tags --> markers, later
    link_rel=None,
)


def sanitize(fragment: str) -> str:
    """The fragment with everything outside the allow-list removed (tags, attributes, URL schemes)."""
    return _CLEANER.clean(fragment)


def plain_text(title: str) -> str:
    """A title for places the theme prints as HTML without escaping (<title>, the header, the TOC).

    MkDocs hands titles over as escaped text (``A &amp; B &lt;b&gt;``); tags that are really there
    (from a front-matter title) are dropped, and a stray '<' or '>' is escaped.
    """
    text = re.sub(r"<[^>]*>", "", title).replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())


# --- check time --------------------------------------------------------------------------------

_RAW_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^\s/>]*|<!--|<!\[CDATA\[|<![A-Za-z]|<\?")
_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1|^(?:```|~~~).*?^(?:```|~~~)", re.S | re.M)
# Python-Markdown's attr_list takes any "{…}" after an element ("*a*{onclick}"), the colon is optional.
_NEEDS_MARKDOWN = re.compile(r"\]\s*[(:\[]|\{[^}\n]|^\s{0,3}\[[^\]]+\]:", re.M)
# A rule fact, [[kind.id.field]] (facts.py fills them in): its value is escaped text, so here it stands for
# blanks, and markup that a value completes is judged once it is filled in (facts.assembled_markup).
FACT = re.compile(r"\[\[([^\[\]\n]*)\]\]")
_TAG_IN_HTML = re.compile(r"<([a-z][a-z0-9]*)\b([^>]*)>")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def markup_problems(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset in ``text``, message, hint) for each thing in ``text`` that a page may not carry."""
    searchable = _searchable(text)
    raw = _RAW_TAG.search(searchable)
    if raw:  # the first is enough: the fix is the same for all of them
        yield (raw.start(), f"raw HTML ({raw.group(0).strip()}…) is not allowed in rules or content",
               "write Markdown; to show a '<' as text, put a space after it or use code (`<tag>`)")
    if not _NEEDS_MARKDOWN.search(searchable):
        return
    for tag, attrs in _rendered_tags(_markdown_input(searchable)):
        for name, value in attrs:
            if name in ("href", "src"):
                scheme = url_scheme(value)
                if scheme is not None and scheme not in URL_SCHEMES:
                    yield (_offset(text, value, scheme), f"a link or image to a {scheme}: URL is not allowed",
                           "links may point at http(s):// or mailto: addresses, or at pages of this site")
            elif name == "id" and reserved_id(value):
                yield _offset(text, value), f"the id {value!r} is used by the site's scripts", why_reserved(value)
            elif name == "id" and not _SAFE_ID.match(value):
                yield (_offset(text, value), f"the id {value!r} is not allowed",
                       "ids start with an ASCII letter or digit and hold ASCII letters, digits, '-', '_', '.', ':' or '/'")
            elif name.startswith("data-"):
                yield (_offset(text, name), f"the attribute {name!r} is not allowed: data attributes are the site's scripts' own",
                       "attribute lists ({: ... }) may only set an #id or .classes")
            elif name not in _ALLOWED_FROM_MARKDOWN.get(tag, ()) and name not in ("id", "class"):
                yield (_offset(text, name), f"the attribute {name!r} on <{tag}> is not allowed",
                       "attribute lists ({: ... }) may only set an #id or .classes")


_ALLOWED_FROM_MARKDOWN = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"style", "align"}, "th": {"style", "align"}}


def body_problems(body: str, body_line: int) -> Iterator[tuple[tuple[int, int], str, str]]:
    """``markup_problems`` for a Markdown file's body, and its first control or bidi character, placed at (line, column) in the file."""
    bad = first_unsafe(body, MULTI_LINE)
    found = [] if bad is None else [(bad, *character_problem("the text", body[bad]))]
    for offset, message, hint in [*found, *markup_problems(body)]:
        before = body[:offset]
        yield (body_line + before.count("\n"), offset - before.rfind("\n")), message, hint


def _searchable(text: str) -> str:
    """``text`` with its code and its rule facts blanked out."""
    return FACT.sub(lambda m: " " * len(m.group(0)), _CODE.sub(lambda m: " " * len(m.group(0)), text))


def _markdown_input(searchable: str) -> str:
    return str(escape(searchable))  # as the page templates escape it


def render_ahead(texts: list[str]) -> None:
    """Render the Markdown that ``markup_problems`` will read in ``texts`` (article bodies) and keep the tags it finds
    for it: rendering is most of checking a body (1.1 s of 1.7 s for 1,000 articles alone), and bodies are
    independent, so from ``PARALLEL_FROM`` texts on they are rendered in worker processes (in a process that does not
    fork, the live preview, which keeps what it rendered, here). What a text gave is kept for the next build by the
    SHA-256 of the text (``_KEPT``, kept.py: only while the generator's code, Python and Markdown are the same)."""
    wanted = [_markdown_input(searchable) for searchable in map(_searchable, texts) if _NEEDS_MARKDOWN.search(searchable)]
    wanted = list(dict.fromkeys(wanted))
    known = _kept_tags()
    keys = {text: kept.key(text) for text in wanted}
    for text in wanted:
        if text not in _TAGS and keys[text] in known:
            _keep_tags(text, known[keys[text]])
    todo = [text for text in wanted if text not in _TAGS]
    for text, tags in zip(todo, forked_map(_render_tags, todo, PARALLEL_FROM, _CHUNK) or map(_render_tags, todo), strict=True):
        _keep_tags(text, tags)
    used = {keys[text]: _TAGS[text] for text in wanted if text in _TAGS}
    if not used.keys() <= known.keys():
        _kept[0] = kept.newest(used, known, _KEPT_MOST)
        kept.write(_KEPT, {key: [[tag, [list(pair) for pair in attrs]] for tag, attrs in tags]
                           for key, tags in _kept[0].items()}, _KEPT_WITH)


_KEPT = "markdown-tags"
_KEPT_WITH = ("markdown",)  # the library whose output the kept tags are
_KEPT_MOST = 12000  # texts
_kept: list[dict[str, tuple]] = []  # what the last build kept, read once per process


def _kept_tags() -> dict[str, tuple[tuple[str, list[tuple[str, str]]], ...]]:
    if not _kept:
        try:
            _kept.append({key: tuple((tag, [(name, value) for name, value in attrs]) for tag, attrs in tags)
                          for key, tags in kept.read(_KEPT, _KEPT_WITH).items()})
        except (TypeError, ValueError):
            _kept.append({})
        if not all(isinstance(text, str) for tags in _kept[0].values() for tag, attrs in tags for pair in attrs
                   for text in (tag, *pair)):
            _kept[0] = {}
    return _kept[0]


PARALLEL_FROM = 200  # texts: below, starting the workers costs about what they save on 2 cores
_CHUNK = 25
_TAGS: dict[str, tuple[tuple[str, list[tuple[str, str]]], ...]] = {}  # the live preview checks every body again on each save
_TAGS_KEPT = 16384


def _rendered_tags(text: str) -> tuple[tuple[str, list[tuple[str, str]]], ...]:
    """The tags Markdown makes of ``text`` (already escaped), each with its attributes; kept for the next check."""
    if text not in _TAGS:
        _keep_tags(text, _render_tags(text))
    return _TAGS[text]


def _keep_tags(text: str, tags: tuple) -> None:
    if len(_TAGS) >= _TAGS_KEPT:
        del _TAGS[next(iter(_TAGS))]  # the oldest
    _TAGS[text] = tags


def _render_tags(text: str) -> tuple[tuple[str, list[tuple[str, str]]], ...]:
    md = _markdown()
    md.reset()
    try:
        rendered = md.convert(text)
    except Exception:  # noqa: BLE001 - Markdown has no error type of its own; hostile text must not crash check
        return (("p", [("markdown", "")]),)
    return tuple((tag, attribute_pairs(attrs)) for tag, attrs in _TAG_IN_HTML.findall(rendered))


def attribute_pairs(text: str) -> list[tuple[str, str]]:
    """(lower-case name, value with entities decoded) for each attribute in a tag's attribute text."""
    return [(m.group(1).lower(), html.unescape(next((v for v in m.group(2, 3, 4) if v is not None), "")))
            for m in _ATTRIBUTE.finditer(text)]


@lru_cache(maxsize=1)
def _markdown():
    import markdown

    return markdown.Markdown(extensions=["attr_list", "md_in_html", "admonition", "tables"])


def url_scheme(url: str) -> str | None:
    """The URL's scheme as a browser reads it (control characters and spaces ignored), or None if relative."""
    match = re.match(r"([a-z][a-z0-9+.\-]*):", re.sub(r"[\x00-\x20\x7f]+", "", url).lower())
    return match.group(1) if match else None


def _offset(text: str, *needles: str) -> int:
    for needle in needles:
        index = text.find(needle) if needle else -1
        if index < 0 and needle:
            index = text.lower().find(needle.lower())
        if index >= 0:
            return index
    return 0
