"""Link the first use of each glossary term on a page to its definition.

Works on the generated Markdown, line by line: headings, fenced code, raw
HTML lines and front matter are left alone, and inside a line so are code
spans, existing links, HTML tags and attribute lists. Abbreviations (any
capital letter) match case-sensitively; other terms match in any case.
"""

from __future__ import annotations

import re

_PROTECTED = re.compile(r"`[^`]*`|!?\[[^\]]*\]\([^)]*\)|<[^>]*>|\{[^}]*\}|https?://\S+")


class GlossaryLinker:
    def __init__(self, terms: list[dict]) -> None:
        names = []
        for term in terms:
            for name in [term["term"], *term.get("aliases", [])]:
                names.append((name, term["id"]))
        names.sort(key=lambda pair: -len(pair[0]))  # longest first: "SQLs" before "SQL"
        self.patterns = [
            (re.compile(rf"(?<![\w/-]){re.escape(name)}(?![\w/-])", 0 if any(c.isupper() for c in name) else re.IGNORECASE), tid)
            for name, tid in names
        ]

    def link(self, markdown: str, glossary_href: str) -> str:
        """``glossary_href`` is the relative path from this page to the glossary page."""
        done: set[str] = set()
        out = []
        fenced = False
        front_matter = markdown.startswith("---\n")
        for index, line in enumerate(markdown.split("\n")):
            stripped = line.lstrip()
            if front_matter:
                if index > 0 and line == "---":
                    front_matter = False
                out.append(line)
                continue
            if stripped.startswith("```"):
                fenced = not fenced
            if fenced or stripped.startswith(("#", "<", "```")) or not stripped:
                out.append(line)
                continue
            out.append(self._link_line(line, glossary_href, done))
        return "\n".join(out)

    def _link_line(self, line: str, href: str, done: set[str]) -> str:
        pieces = []
        last = 0
        for match in _PROTECTED.finditer(line):
            pieces.append((line[last:match.start()], True))
            pieces.append((match.group(), False))
            last = match.end()
        pieces.append((line[last:], True))
        result = []
        for text, open_ in pieces:
            if open_:
                text = self._link_text(text, href, done)
            result.append(text)
        return "".join(result)

    def _link_text(self, text: str, href: str, done: set[str]) -> str:
        for pattern, tid in self.patterns:
            if tid in done:
                continue
            match = pattern.search(text)
            if match:
                done.add(tid)
                link = f"[{match.group()}]({href}#{tid})"
                # link the rest of the text too, without touching the new link
                return self._link_text(text[: match.start()], href, done) + link + self._link_text(text[match.end():], href, done)
        return text
