"""The site engine's full configuration: the owner's choices (config.py) plus everything the generator needs.

Written into the build's scratch folder and handed to MkDocs or Zensical, so
that no knowledge base can drop a script, a plugin or the fonts policy the
site's guarantees hang on, and so that both engines read one file.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import Problem, UserError, did_you_mean, shown
from ..i18n import DEFAULT_LANGUAGE, catalog_language
from ..render.translate import DOMAIN, PageWords
from .config import CONFIG, SiteConfig

ASSETS = "assets/kb"
FEATURES = ["navigation.instant", "navigation.tracking", "navigation.top", "search.highlight", "content.code.copy"]
MARKDOWN_EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables", {"toc": {"permalink": True}}]
EXTRA_CSS = [f"{ASSETS}/site.css", f"{ASSETS}/assess.css"]
EXTRA_JAVASCRIPT = [f"{ASSETS}/site.js", f"{ASSETS}/offline.js", {"path": f"{ASSETS}/assess.js", "type": "module"}]
VALIDATION = {"nav": {"omitted_files": "ignore"}, "links": {"anchors": "warn"}}  # the nav lists index pages only


def N_(title: str) -> str:
    """Marks a title for the catalog (``make catalogs``); ``site_nav`` translates it into the site's language."""
    return title


# The generated nav: each page the build wrote, in this order, under this title (an owner's nav entry may retitle one).
NAV = (
    ("index.md", N_("Home")), ("assess/index.md", N_("Self-assessment")), ("milestones/index.md", N_("Milestones")),
    ("frameworks/index.md", N_("Stages")), ("flags/index.md", N_("Warnings")), ("checklists/index.md", N_("Checklists")),
    ("articles/index.md", N_("Articles")), ("tags.md", N_("Tags")), ("questions.md", N_("Questions")),
    ("glossary.md", N_("Glossary")), ("sources.md", N_("Sources")),
)
# Pages for the people who keep a knowledge base, not its readers: linked from every page's footer (main.html),
# out of the readers' navigation.
FOOTER = (("maintainers/reference.md", N_("Maintainer reference")), ("maintainers/guide.md", N_("Start your own")))


def engine_config(owner: SiteConfig, *, docs: Path, site: Path, theme: Path, pages: list[str],
                  site_url: str | None = None) -> dict:
    """The whole configuration for a build of ``docs`` into ``site`` with the merged theme override ``theme``."""
    settings = dict(owner.settings)
    if site_url is not None:
        settings["site_url"] = site_url
    words = PageWords(catalog_language(DOMAIN, owner.language) or DEFAULT_LANGUAGE)
    return {
        **settings,
        "docs_dir": str(docs),
        "site_dir": str(site),
        "theme": {**owner.theme, "name": "material", "custom_dir": str(theme), "language": owner.language,
                  "font": False, "features": FEATURES},
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "plugins": ["search", "tags"],  # search follows theme.language
        "extra_css": EXTRA_CSS,
        "extra_javascript": EXTRA_JAVASCRIPT,
        "nav": site_nav(pages, owner.nav, words),
        "validation": VALIDATION,
        "extra": {"kb_footer": footer_links(pages, words)},  # the theme override reads it; an owner may not set extra
    }


def footer_links(pages: list[str], words: PageWords) -> dict:
    """{"label", "links": [{"title", "url"}]}: FOOTER's pages that exist, titled in ``words``' language."""
    links = [{"title": words.gettext(title), "url": page.removesuffix(".md") + "/"} for page, title in FOOTER if page in pages]
    return {"label": words.gettext("For maintainers"), "links": links}


def site_nav(pages: list[str], extra: list[tuple[str, str, tuple[int, int]]],
             words: PageWords | None = None) -> list[dict[str, str]]:
    """The generated nav (pages that exist, in NAV's order, titled in ``words``' language), retitled or extended
    by the owner's entries."""
    words = words or PageWords()
    titles = {page: words.gettext(title) for page, title in NAV if page in pages}
    added, problems = [], []
    for title, target, pos in extra:
        if target in titles:
            titles[target] = title
        elif target in pages or target.startswith("https://"):
            added.append({title: target})
        else:
            problems.append(Problem(CONFIG, *pos, f"nav entry {shown(title)} names {shown(target)}, a page this site does not have",
                                    did_you_mean(target, pages) or "name a page of build/docs/, e.g. 'questions.md'"))
    if problems:
        raise UserError(problems)
    return [{title: page} for page, title in titles.items()] + added


def write_engine_config(config: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path

