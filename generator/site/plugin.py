"""The MkDocs plugin the build adds to every knowledge base: page bodies sanitised, titles escaped.

Material prints page titles, table-of-contents entries and tag names as HTML
(they may hold a theme's own markup), and its <title> unescapes the title it
gets: a title or tag written in rules/ or content/ must reach the theme
escaped. Page bodies pass through the allow-list sanitiser last, after every
other plugin has had its say. Heading anchors never take an id the site's
scripts own (``script_ids.unreserved_slugify``).
"""

from __future__ import annotations

import html

from mkdocs.plugins import BasePlugin, event_priority

from ..render.html_policy import plain_text, sanitize
from ..render.script_ids import unreserved_slugify


class SafetyPlugin(BasePlugin):
    def on_config(self, config):
        from markdown.extensions.toc import slugify

        toc = config.mdx_configs.setdefault("toc", {})
        if not getattr(toc.get("slugify"), "unreserved", False):
            toc["slugify"] = unreserved_slugify(toc.get("slugify") or slugify)
        return config

    @event_priority(100)  # first: the tags plugin prints tag names as HTML
    def on_page_markdown(self, markdown, *, page, config, files):
        tags = page.meta.get("tags")
        if isinstance(tags, list):
            page.meta["tags"] = [html.escape(str(tag), quote=False) for tag in tags]
        return markdown

    @event_priority(-100)  # last: nothing may add markup after the sanitiser
    def on_page_content(self, html, *, page, config, files):
        title = plain_text(page.title or "")
        page.title = title
        if not page.is_homepage:
            page.meta["title"] = title  # the theme's <title> prints meta.title as is, but unescapes page.title
        for item in _walk(page.toc):
            item.title = plain_text(item.title)
        return sanitize(html)


def _walk(toc):
    for item in toc:
        yield item
        yield from _walk(item.children)
