"""Search results show an article's own words: its index entry starts with body text, not with
the meta line (breadcrumbs, key words, stages), which the search index skips (data-search-exclude)."""

from __future__ import annotations

import json
import re
from pathlib import Path


def article_entries(site: Path) -> list[dict]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return [e for e in index["docs"] if re.fullmatch(r"articles/\d+(\.\d+)*/", e["location"])]


def test_an_articles_search_entry_starts_with_its_text(built_site: Path):
    entries = article_entries(built_site)
    assert len(entries) > 20
    wrong = [e["location"] for e in entries if not e["text"].startswith("<p>Quick summary:")
             or "Key words:" in e["text"] or "Volume " in e["text"][:200]]
    assert wrong == [], f"entries that start with the meta line: {wrong[:5]}"
    assert all(e.get("tags") for e in entries if "Key words" in (built_site / e["location"] / "index.html").read_text(encoding="utf-8")), \
        "the key words stay searchable as the entry's tags"


def test_the_meta_line_is_still_on_the_page_without_the_search_marker(built_site: Path):
    html = (built_site / article_entries(built_site)[0]["location"] / "index.html").read_text(encoding="utf-8")
    assert "kb-article-meta" in html and "Key words:" in html
    assert "data-search-exclude" not in html, "the search plugin removes its marker from the page"
