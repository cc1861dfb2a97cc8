"""The knowledge base's mkdocs.yml: what the site owner chooses, and nothing else.

A knowledge base names its site, says where it lives, picks colours, a logo
and a language, and may add nav entries. Everything the site's guarantees
hang on (the theme override, fonts, scripts, CSS, plugins, Markdown
extensions, folders, validation) is the generator's: it writes the site
engine's full configuration itself (``engine_config.py``). A setting outside
this allow-list is refused at its position, by name, so that ``check`` and
``build`` refuse the same file and no setting is silently ignored.

The file is read with the rules' own YAML reader (``rules/yamlfile.py``):
positions for every key, no tags (``!ENV``, ``!!python/name``), no anchors,
a bounded size. Every setting is optional, mkdocs.yml too: the site is
named after the knowledge base's folder unless ``site_name`` says otherwise.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Problem, did_you_mean, shown
from ..i18n import catalog_language, languages
from ..rules.yamlfile import REJECTED, Pos, YList, YMap, expr_pos, parse_yaml, read_source
from .layers import asset_files

CONFIG = "mkdocs.yml"
MAX_BYTES = 64 * 1024  # an owner's settings fit in a few hundred bytes
MAX_VALUES = 2_000
DEFAULT_LANGUAGE = "en"

TEXTS = ("site_name", "site_description", "site_author", "copyright", "repo_name")  # shown on every page
OWNER_KEYS = (*TEXTS, "site_url", "repo_url", "edit_uri", "theme", "nav")
THEME_KEYS = ("name", "palette", "logo", "favicon", "language", "icon")
# Settings a knowledge base may not write, refused by name at their position, never merged: what the generator
# sets itself, and what would run code, read other files, load from other sites or change what the site is built from.
_SET = "is set by the generator"
REFUSED = {
    **dict.fromkeys(("docs_dir", "site_dir", "plugins", "markdown_extensions", "extra_javascript", "extra_css",
                     "validation", "strict", "use_directory_urls", "theme.custom_dir", "theme.font", "theme.features"), _SET),
    "theme.locale": "is not supported (theme.language names the language)",
    "hooks": "is not supported (it would run code in the build)",
    "INHERIT": "is not supported (it would read another file)",
    "extra": "is not supported (analytics, consent and social links would load from other sites)",
    **dict.fromkeys(("extra_templates", "theme.static_templates", "exclude_docs", "draft_docs", "not_in_nav", "watch",
                     "dev_addr", "remote_branch", "remote_name"), "is not supported (the generator decides what the site holds)"),
}
PALETTE_KEYS = ("scheme", "primary", "accent", "media", "toggle")
SUPPORTED_THEME = "material"

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9 -]{0,39}")  # a palette's scheme and colours: 'slate', 'deep purple'
_MEDIA = re.compile(r"[A-Za-z0-9 ():,.-]{1,100}")  # '(prefers-color-scheme: dark)'
_ICON = re.compile(r"[a-z0-9-]+(/[a-z0-9-]+)+")  # 'material/brightness-7', 'fontawesome/brands/github'
_LANGUAGE = re.compile(r"[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*")
_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]*")  # a relative path in the site: no scheme, query or escape
_MARKUP = re.compile(r"[<>\"`]|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_URL_CHARS = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")
_MAX_TEXT = 300


@dataclass
class SiteConfig:
    """The owner's choices, as plain data the engine configuration is made from."""

    settings: dict = field(default_factory=dict)  # top-level texts and URLs
    theme: dict = field(default_factory=dict)  # palette, logo, favicon, icon (no name, no language)
    language: str = DEFAULT_LANGUAGE
    nav: list[tuple[str, str, Pos]] = field(default_factory=list)  # (title, page or URL, position)


def read_site_config(root: Path) -> tuple[SiteConfig, list[Problem]]:
    """The knowledge base's settings and every problem with them (a missing mkdocs.yml is none)."""
    config, problems = _read(root)
    config.settings.setdefault("site_name", root.resolve().name or "Knowledge base")
    return config, problems


def _read(root: Path) -> tuple[SiteConfig, list[Problem]]:
    path = root / CONFIG
    try:
        mode = path.lstat().st_mode
    except OSError:
        return SiteConfig(), []
    if not stat.S_ISREG(mode):
        return SiteConfig(), []  # a link or special file: sources.source_problems reports it
    text, problem = read_source(path, CONFIG)
    if problem:
        return SiteConfig(), [problem]
    if len(text.encode("utf-8")) > MAX_BYTES:
        return SiteConfig(), [Problem(CONFIG, 1, 1, f"mkdocs.yml is larger than {MAX_BYTES // 1024} KiB",
                                      "it holds only the site owner's choices: name, URL, palette, logo, language, extra nav")]
    file = parse_yaml(text, path, CONFIG, max_nodes=MAX_VALUES)
    if file.data is None:
        return SiteConfig(), file.problems
    reader = _Reader(asset_files(root), file.lines)
    config = reader.top(file.data)
    return config, sorted(file.problems + reader.problems)


class _Reader:
    def __init__(self, published: dict[str, Path], lines: list[str]) -> None:
        self.problems: list[Problem] = []
        self.published = published  # file names the site publishes under assets/kb/
        self.lines = lines

    def problem(self, pos: Pos, message: str, hint: str = "") -> None:
        self.problems.append(Problem(CONFIG, pos[0], pos[1], message, hint))

    def top(self, data: object) -> SiteConfig:
        config = SiteConfig()
        if not isinstance(data, YMap):
            self.problem((1, 1), "mkdocs.yml must be a mapping of settings", "start with 'site_name: My knowledge base'")
            return config
        for key, value in data.items():
            pos, at = data.key_pos[key], data.value_pos[key]
            if not self.allowed(key, OWNER_KEYS, pos, "") or value is REJECTED:
                continue
            if key in TEXTS:
                if self.text(key, value, at, data.value_style[key]):
                    config.settings[key] = value
            elif key in ("site_url", "repo_url"):
                if self.url(key, value, at):
                    config.settings[key] = value
            elif key == "edit_uri":
                if self.url(key, value, at, relative=True):
                    config.settings[key] = value
            elif key == "theme":
                self.theme(value, at, config)
            else:
                config.nav = self.nav(value, at)
        return config

    def allowed(self, key: str, keys: tuple[str, ...], pos: Pos, prefix: str) -> bool:
        """Is ``key`` (under ``prefix``) one the owner may set? Reports it when not."""
        name = prefix + key
        if key in keys:
            return True
        if name in REFUSED:
            self.problem(pos, f"{shown(name)} {REFUSED[name]}", "remove it")
        else:
            hint = did_you_mean(key, keys) or f"{prefix.rstrip('.') or 'mkdocs.yml'} may set: {', '.join(keys)}"
            self.problem(pos, f"unknown setting {shown(name)}", hint)
        return False

    def text(self, key: str, value: object, pos: Pos, style: str | None = None) -> bool:
        """One line of plain text: the theme prints these into every page as they are."""
        if not isinstance(value, str) or not value.strip():
            self.problem(pos, f"{key} must be text, not {shown(value)}", "write it as one line of text")
        elif not value.isprintable() or len(value) > _MAX_TEXT:
            self.problem(pos, f"{key} must be one line of at most {_MAX_TEXT} printable characters", "shorten it")
        elif match := _MARKUP.search(value):
            self.problem(expr_pos(self.lines, pos, style, match.start()), f"{key} holds {shown(match.group())}, which is markup in a page",
                         "these settings are plain text: write typographic quotes (“ ”) and the characters themselves")
        else:
            return True
        return False

    def url(self, key: str, value: object, pos: Pos, relative: bool = False) -> bool:
        """An http(s) address (or, ``relative``, a path under the repository's URL)."""
        if isinstance(value, str) and _URL_CHARS.fullmatch(value):
            parts = urlsplit(value)
            if parts.scheme in ("http", "https") and parts.netloc and "@" not in parts.netloc:
                return True
            if relative and not parts.scheme and not value.startswith("/") and ".." not in value.split("/"):
                return True
        what = "a path such as 'edit/main/' or an https:// address" if relative else "an http:// or https:// address"
        self.problem(pos, f"{key} must be {what}, not {shown(value)}", "write the address out, without spaces or quotes")
        return False

    def theme(self, value: object, pos: Pos, config: SiteConfig) -> None:
        if isinstance(value, str):
            self.theme_name(value, pos)
            return
        if not isinstance(value, YMap):
            self.problem(pos, f"theme must be a mapping, not {shown(value)}", "write 'theme:' and, indented under it, 'name: material'")
            return
        for key, item in value.items():
            at = value.value_pos[key]
            if not self.allowed(key, THEME_KEYS, value.key_pos[key], "theme.") or item is REJECTED:
                continue
            if key == "name":
                self.theme_name(item, at)
            elif key == "language":
                if isinstance(item, str) and _LANGUAGE.fullmatch(item) and not catalog_language("generator", item):
                    self.problem(at, f"theme.language {shown(item)}: the generator's pages are not translated into it",
                                 "languages: " + ", ".join(languages("generator")) + " (a new one is a catalog in generator/locale/)")
                elif isinstance(item, str) and _LANGUAGE.fullmatch(item):
                    config.language = item
                else:
                    self.problem(at, f"theme.language must be a language code such as 'en' or 'pt-BR', not {shown(item)}")
            elif key == "palette":
                if self.palette(item, at):
                    config.theme["palette"] = _plain(item)
            elif key in ("logo", "favicon"):
                if self.site_file(f"theme.{key}", item, at):
                    config.theme[key] = item
            elif self.icons(item, at):
                config.theme["icon"] = _plain(item)

    def theme_name(self, value: object, pos: Pos) -> None:
        if value != SUPPORTED_THEME:
            self.problem(pos, f"unsupported theme: {value if isinstance(value, str) else shown(value)}",
                         "the site is built with Material for MkDocs (or Zensical, which reads the same settings): "
                         "write 'name: material' or leave the name out")

    def palette(self, value: object, pos: Pos) -> bool:
        if isinstance(value, YMap):
            return self.scheme(value)
        if isinstance(value, YList) and value:
            return all([self.scheme(item) if isinstance(item, YMap) else self.not_scheme(item, at)
                        for item, at in zip(value, value.item_pos)])
        return self.not_scheme(value, pos)

    def not_scheme(self, value: object, pos: Pos) -> bool:
        self.problem(pos, f"theme.palette must be a mapping or a list of mappings, not {shown(value)}",
                     "write 'scheme: default', 'primary: indigo', 'accent: indigo' under it")
        return False

    def scheme(self, value: YMap) -> bool:
        ok = True
        for key, item in value.items():
            at = value.value_pos[key]
            if not self.allowed(key, PALETTE_KEYS, value.key_pos[key], "theme.palette."):
                ok = False
            elif key == "toggle":
                ok = self.toggle(item, at) and ok
            elif not isinstance(item, str) or not (_MEDIA if key == "media" else _WORD).fullmatch(item):
                what = "a media query such as '(prefers-color-scheme: dark)'" if key == "media" else "a word such as 'indigo'"
                self.problem(at, f"theme.palette.{key} must be {what}, not {shown(item)}")
                ok = False
        return ok

    def toggle(self, value: object, pos: Pos) -> bool:
        if not isinstance(value, YMap):
            self.problem(pos, f"theme.palette.toggle must be a mapping of icon and name, not {shown(value)}")
            return False
        ok = True
        for key, item in value.items():
            at = value.value_pos[key]
            if not self.allowed(key, ("icon", "name"), value.key_pos[key], "theme.palette.toggle."):
                ok = False
            elif key == "icon":
                ok = self.icon_name("theme.palette.toggle.icon", item, at) and ok
            else:
                ok = self.text("theme.palette.toggle.name", item, at, value.value_style[key]) and ok
        return ok

    def icons(self, value: object, pos: Pos) -> bool:
        """theme.icon: names of the theme's icons, one level of grouping (admonition, tag) at most."""
        if not isinstance(value, YMap):
            self.problem(pos, f"theme.icon must be a mapping of icon names, not {shown(value)}", "write 'repo: fontawesome/brands/github'")
            return False
        ok = True
        for key, item in value.items():
            at = value.value_pos[key]
            if not _WORD.fullmatch(key):
                self.problem(value.key_pos[key], f"theme.icon: {shown(key)} is not a plain word")
                ok = False
            elif isinstance(item, YMap):
                for inner, icon in item.items():
                    if not _WORD.fullmatch(inner):
                        self.problem(item.key_pos[inner], f"theme.icon.{key}: {shown(inner)} is not a plain word")
                        ok = False
                    else:
                        ok = self.icon_name(f"theme.icon.{key}.{inner}", icon, item.value_pos[inner]) and ok
            else:
                ok = self.icon_name(f"theme.icon.{key}", item, at) and ok
        return ok

    def icon_name(self, name: str, value: object, pos: Pos) -> bool:
        if isinstance(value, str) and _ICON.fullmatch(value):
            return True
        self.problem(pos, f"{name} must be an icon name such as 'material/library', not {shown(value)}")
        return False

    def site_file(self, name: str, value: object, pos: Pos) -> bool:
        """A logo or favicon: one of the files the site publishes from site_assets/ (``assets/kb/<name>``)."""
        if not isinstance(value, str) or not _PATH.fullmatch(value) or ".." in value.split("/") or "//" in value:
            self.problem(pos, f"{name} must be a path inside the site such as 'assets/kb/logo.svg', not {shown(value)}",
                         "no scheme, no '..': put the file in site_assets/ and write assets/kb/<its name>")
            return False
        folder, _, file_name = value.rpartition("/")
        if folder != "assets/kb" or file_name not in self.published:
            self.problem(pos, f"{name} {shown(value)} is not a file the site publishes",
                         f"put the file in site_assets/ and write assets/kb/{file_name or '<its name>'}")
            return False
        return True

    def nav(self, value: object, pos: Pos) -> list[tuple[str, str, Pos]]:
        """The owner's nav entries: 'Title: page.md' (a generated page: retitles it) or 'Title: https://…'."""
        entries: list[tuple[str, str, Pos]] = []
        if not isinstance(value, YList):
            self.problem(pos, f"nav must be a list of 'Title: page-or-address' entries, not {shown(value)}",
                         "the generator writes the site's own nav; list only what you add or retitle")
            return entries
        for item, at in zip(value, value.item_pos):
            if not isinstance(item, YMap) or len(item) != 1:
                self.problem(at, f"a nav entry must be one 'Title: page-or-address', not {shown(item)}",
                             "sections are not supported: one entry per line, e.g. '- Blog: https://example.org/blog/'")
                continue
            (title, target), = item.items()
            if not self.text("a nav title", title, item.key_pos[title]):
                continue
            target_pos = item.value_pos[title]
            if isinstance(target, str) and target.startswith("https://"):
                if self.url("a nav address", target, target_pos):
                    entries.append((title, target, target_pos))
            elif isinstance(target, str) and _PATH.fullmatch(target) and ".." not in target.split("/") and target.endswith(".md"):
                entries.append((title, target, target_pos))
            else:
                self.problem(target_pos, f"nav entry {shown(title)} must point at a page such as 'questions.md' or an "
                                         f"https:// address, not {shown(target)}", "pages are named as the generated site "
                                         "names them (see build/docs/), relative, without '..'")
        return entries


def _plain(value: object) -> object:
    """YMap/YList as plain dicts and lists, for the engine's configuration file."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
