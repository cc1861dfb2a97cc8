"""Link the first use of each glossary term on a page to its definition.

Works on the generated Markdown, line by line: headings, fenced code, raw
HTML lines, tables, ``<div>`` blocks (page meta, credits) and front matter are left alone, and inside a line so are code
spans, existing links, HTML tags, character references, backslash escapes and attribute lists. Abbreviations (any
capital letter) match case-sensitively; other terms match in any case.
"""

from __future__ import annotations

import re

# Escaped characters (``\]`` in a title, from md_text) are text: a link's text runs to its first unescaped ']'.
_PROTECTED = re.compile(r"\\.|`[^`]*`|!?\[(?:\\.|[^\]\\])*\]\((?:\\.|[^)\\])*\)|<[^>]*>|&#?\w+;|\{[^}]*\}|https?://\S+")


class GlossaryLinker:
    def __init__(self, terms: list[dict]) -> None:
        names = []
        self.ids: dict[str, str] = {}  # exact spelling of an abbreviation, or lower-cased term -> id
        for term in terms:
            for name in [term["term"], *term.get("aliases", [])]:
                sensitive = any(c.isupper() for c in name)
                self.ids[name if sensitive else name.lower()] = term["id"]
                names.append((name, sensitive))
        names.sort(key=lambda pair: -len(pair[0]))  # longest first: "SQLs" before "SQL"
        # A cheap pre-filter, one scan of the lower-cased line for a term not linked yet, before the precise pattern runs.
        self.prefilter = re.compile("|".join(re.escape(name.lower()) for name, _ in names)) if names else None
        self.spelled: dict[str, str] = {name.lower(): self.ids[name if sensitive else name.lower()] for name, sensitive in names}
        alternatives = "|".join(re.escape(name) if sensitive else f"(?i:{re.escape(name)})" for name, sensitive in names)
        self.pattern = re.compile(rf"(?<![\w/-])(?:{alternatives})(?![\w/-])") if names else None
        # What link() is a function of besides its arguments: two linkers with the same terms link a page alike.
        self.terms = (self.pattern.pattern if self.pattern else "", tuple(sorted(self.ids.items())))

    def link(self, markdown: str, glossary_href: str) -> str:
        """``glossary_href`` is the relative path from this page to the glossary page."""
        if self.pattern is None:
            return markdown
        done: set[str] = set()
        out = []
        fenced = False
        in_block = False  # inside a <div markdown> block: page furniture (meta, credits), not prose
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
            if stripped.startswith("<div"):
                in_block = "</div>" not in stripped
            elif stripped.startswith("</div>"):
                in_block = False
            if fenced or in_block or stripped.startswith(("#", "<", "```", "|")) or not stripped:
                out.append(line)
                continue
            if all(self.spelled[m.group()] in done for m in self.prefilter.finditer(line.lower())):
                out.append(line)
                continue
            out.append(self._link_line(line, glossary_href, done))
        return "\n".join(out)

    def _link_line(self, line: str, href: str, done: set[str]) -> str:
        result = []
        last = 0
        for match in _PROTECTED.finditer(line):
            result.append(self._link_text(line[last:match.start()], href, done))
            result.append(match.group())
            last = match.end()
        result.append(self._link_text(line[last:], href, done))
        return "".join(result)

    def _link_text(self, text: str, href: str, done: set[str]) -> str:
        if not text:
            return text

        def replace(match: re.Match) -> str:
            word = match.group()
            tid = self.ids.get(word) or self.ids.get(word.lower())
            if tid is None or tid in done:
                return word
            done.add(tid)
            return f"[{word}]({href}#{tid})"

        return self.pattern.sub(replace, text)
