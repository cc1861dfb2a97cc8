"""Every internal link and anchor in the built site resolves."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

SITE_URL = "http://127.0.0.1:8000/"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "img", "link") and (attrs.get("src") or attrs.get("href")):
            self.links.append(attrs.get("src") or attrs.get("href"))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _target(site: Path, url_path: str) -> Path:
    path = site / unquote(url_path).lstrip("/")
    return path / "index.html" if url_path.endswith("/") or path.is_dir() else path


def test_every_internal_link_and_anchor_resolves(built_site: Path):
    pages = {p: _parse(p) for p in built_site.rglob("*.html")}
    broken = []
    checked = 0
    for path, page in pages.items():
        rel = path.relative_to(built_site).as_posix()
        base = urljoin(SITE_URL, rel)
        for link in page.links:
            url = urljoin(base, link)
            if not url.startswith(SITE_URL):
                continue  # external links are not ours to check
            parts = urlsplit(url)
            target = _target(built_site, parts.path)
            checked += 1
            if not target.exists():
                broken.append(f"{rel}: {link} -> missing {target.relative_to(built_site)}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = (pages[target] if target in pages else _parse(target)).ids  # not .get(): its default parsed the page each time
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{rel}: {link} -> no #{parts.fragment} in {target.relative_to(built_site)}")
    assert checked > 500
    assert broken == []
