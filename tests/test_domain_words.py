"""The generator has no domain of its own: a knowledge base from `init` builds a site with none of this
repository's vocabulary in any file the generator writes or ships (pages, search index, scripts, styles,
rules.json, the service worker, the engine's sources in engine.zip), and nothing of the generator's own
says it either: page templates, message catalogs and the maintainer reference."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.i18n import LOCALE
from generator.reference import reference_markdown
from generator.render.pages import TEMPLATES
from generator.site.build import build_site

ROOT = Path(__file__).resolve().parents[1]
VOCABULARY = re.compile(r"\b(?:founders?|startups?|hell-yes|paying customers?|sales calls?)\b", re.IGNORECASE)
ALSO_OURS = re.compile(r"\b(?:compan(?:y|ies)|empresas?|fundador(?:es|as?)?)\b", re.IGNORECASE)  # words of the domain
GENERATOR = ROOT / "generator"
NAME = re.compile(r"\bfounder[-_]kb\b")  # the distribution's name, not a word of its domain
VENDORED = ("assets/pyodide/", "assets/javascripts/", "assets/stylesheets/")  # Pyodide's and Material's files, as shipped


def _said(name: str, text: str, pattern: re.Pattern = VOCABULARY) -> list[str]:
    return [f"{name}: …{text[max(0, m.start() - 40):m.end() + 20]}…" for m in pattern.finditer(text)]


def _site_text(site: Path):
    """(name, text) for every file of ours in the site, and for each file inside engine.zip."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(VENDORED) or rel.endswith(".map"):
            continue
        if rel.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield f"{rel}:{name}", archive.read(name).decode("utf-8", "replace")
        else:
            yield rel, path.read_bytes().decode("utf-8", "replace")


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_site_from_init_says_nothing_of_this_knowledge_base(language: str, tmp_path: Path):
    kb = tmp_path / "kb"
    done = subprocess.run([sys.executable, "-m", "generator", "init", str(kb), "--language", language], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    site = build_site(kb, tmp_path / "site").site_dir
    files = dict(_site_text(site))
    assert {"index.html", "search/search_index.json", "sw.js", "assets/kb/rules.json", "assets/kb/assess.js"} <= set(files)
    assert any(name.startswith("assets/kb/engine.zip:") for name in files)
    assert [hit for name, text in files.items() for hit in _said(name, text)] == []


def test_the_check_finds_the_vocabulary_where_it_is():
    assert _said("x", "A Founder's first 5 paying customers")  # case, plural, two words
    assert not _said("x", "a FileNotFoundError in PYTHONSTARTUP")  # inside other words


def test_the_generators_own_text_has_no_domain():
    texts = {path.name: path.read_text(encoding="utf-8") for path in TEMPLATES.glob("*.j2")}
    texts |= {str(path.relative_to(LOCALE)): path.read_text(encoding="utf-8") for path in LOCALE.rglob("*.po*")}
    texts["the maintainer reference"] = reference_markdown()
    hits = [hit for name, text in texts.items() for pattern in (VOCABULARY, ALSO_OURS) for hit in _said(name, text, pattern)]
    assert hits == []


def _strings(source: str):
    """(line, text) for every string literal in ``source`` but docstrings; an f-string's literal parts count."""
    tree = ast.parse(source)
    docs = {id(body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and (body := node.body)
            and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.lineno, NAME.sub("", node.value)


def test_the_generators_python_says_no_domain_word():
    hits = [hit for path in sorted(GENERATOR.rglob("*.py")) for line, text in _strings(path.read_text(encoding="utf-8"))
            for pattern in (VOCABULARY, ALSO_OURS) for hit in _said(f"{path.relative_to(ROOT)}:{line}", text, pattern)]
    assert hits == []


def test_the_python_scan_reads_strings_not_comments_or_docstrings():
    source = '''"""A founder's docstring."""
# a founder's comment
hint = f"say what puts a founder at {stage}"
name = "founder-kb"
'''
    assert [line for line, text in _strings(source) if _said("x", text)] == [3]
