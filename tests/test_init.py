"""`python -m generator init DIR`: a new knowledge base, in English or Spanish, that checks and builds as it is."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.init_kb import SKELETON, kb_id_for
from generator.site.build import build_site
from tests.cli_run import run_cli

ROOT = Path(__file__).resolve().parents[1]
STARTUP_WORDS = re.compile(r"founder|startup|hell-yes|paying customer|sales call", re.IGNORECASE)


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The command, in this process (tests/cli_run.py)."""
    return run_cli(*args, cwd=cwd)


@pytest.fixture(scope="module", params=["en", "es"])
def created(request, tmp_path_factory) -> tuple[str, Path, subprocess.CompletedProcess]:
    target = tmp_path_factory.mktemp(request.param) / "Mis plantas, 2ª"
    return request.param, target, run("init", str(target), "--language", request.param)


def test_init_prints_the_next_commands(created):
    language, target, done = created
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines() == [
        f"created the knowledge base 'mis-plantas-2a' ({language}) in {target}",
        "next:",
        f"  cd '{target}' && npm ci && make serve",
    ]


def test_what_init_writes_checks_and_builds(created, tmp_path: Path):
    language, target, _ = created
    check = run("--root", str(target), "check")
    assert check.returncode == 0, check.stderr
    assert "3 milestones" in check.stdout and "3 rule cases pass" in check.stdout
    site = build_site(target, tmp_path / "site").site_dir
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert {"index.html", "assess/index.html", "milestones/index.html", "questions/index.html", "sources/index.html",
            "articles/index.html", "articles/1.010101/index.html", "maintainers/guide/index.html"} <= pages
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}"' in home
    nav = {"en": ["Home", "Self-assessment", "Milestones", "Articles"], "es": ["Inicio", "Autoevaluación", "Hitos", "Artículos"]}
    assert nav[language] == [t for t in dict.fromkeys(nav_titles(home)) if t in nav["en"] + nav["es"]], "in the site's language"
    maintainers = {"en": ["Maintainer reference", "Start your own"], "es": ["Referencia para el mantenimiento", "Crea la tuya"]}[language]
    assert not set(maintainers) & set(nav_titles(home)), "the maintainers' pages are not in the readers' nav"
    footer = re.search(r'<nav class="kb-footer-links".*?</nav>', home, re.S)
    assert footer and re.findall(r'<a href="([^"]*)">([^<]*)</a>', footer.group(0)) == [
        ("maintainers/reference/", maintainers[0]), ("maintainers/guide/", maintainers[1])], "they are linked from the footer"
    questions = (site / "questions" / "index.html").read_text(encoding="utf-8")
    words = {"en": "How often do you water it each week?", "es": "¿Cuántas veces la riegas cada semana?"}
    assert words[language] in questions
    for page in ("index.html", "assess/index.html", "milestones/index.html", "articles/1.010101/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert not STARTUP_WORDS.search(text[text.index("<article"):text.index("</article>")]), page


def nav_titles(page: str) -> list[str]:
    """The titles of a page's primary nav links, in order."""
    return [html.unescape(t) for t in re.findall(r'class="md-nav__link[^"]*"[^>]*>\s*<span class="md-ellipsis">\s*([^<]*?)\s*</span>', page)]


def test_the_spanish_example_is_spanish(created):
    language, target, _ = created
    config = yaml.safe_load((target / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"] == {"name": "material", "language": language,
                               "palette": [{"scheme": "default", "primary": "green", "accent": "light green"}]}
    assert set(config) == {"site_name", "site_description", "theme"}  # only the owner's choices
    site = yaml.safe_load((target / "rules" / "site.yaml").read_text(encoding="utf-8"))
    assert site["id"] == "mis-plantas-2a"
    assert site["words"]["subject"] == {"en": "plant", "es": "planta"}[language]
    ladder = yaml.safe_load((target / "rules" / "ladder.yaml").read_text(encoding="utf-8"))
    assert ladder["title"] == {"en": "The plant ladder", "es": "La escalera de la planta"}[language]


def test_the_pyodide_pin_is_this_repositorys(created):
    """npm ci installs exactly the Pyodide this generator is tested with."""
    _, target, _ = created
    ours = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    theirs = json.loads((target / "package-lock.json").read_text())["packages"]
    package = json.loads((target / "package.json").read_text())
    assert package["dependencies"] == {"pyodide": json.loads((ROOT / "package.json").read_text())["dependencies"]["pyodide"]}
    assert theirs[""]["dependencies"] == package["dependencies"]
    assert {name: entry for name, entry in theirs.items() if name} == {name: ours[name] for name in theirs if name}
    needed = {f"node_modules/{dep}" for dep in ours["node_modules/pyodide"].get("dependencies", {})}
    assert needed | {"node_modules/pyodide"} == set(theirs) - {""}


def test_the_makefile_and_workflows(created):
    _, target, _ = created
    assert (target / ".gitignore").read_text().split("\n")[1:5] == [".venv/", "node_modules/", "site/", "build/"]
    dry = subprocess.run(["make", "-n", "-C", str(target), "test", "serve"], capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert "python3 -m venv .venv" in lines
    assert re.search(r"^\.venv/bin/python -m pip install --quiet 'founder-kb(==[0-9][^']*)?'$", dry.stdout, re.M)
    assert "npm ci --no-audit --no-fund" in lines
    assert [line for line in lines if " -m generator " in line] == [
        ".venv/bin/python -m generator check", ".venv/bin/python -m generator build",
        ".venv/bin/python -m generator serve --host 127.0.0.1 --port 8000"]
    check = yaml.safe_load((target / ".github/workflows/check.yml").read_text())
    pages = yaml.safe_load((target / ".github/workflows/pages.yml").read_text())
    assert check[True] == {"pull_request": None, "workflow_dispatch": None}  # PyYAML reads the key 'on' as True
    assert {"run": "make test"} in check["jobs"]["test"]["steps"]
    assert pages[True]["push"] == {"branches": ["main"]}
    assert pages["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    used = [step.get("uses", "").split("@")[0] for job in pages["jobs"].values() for step in job["steps"]]
    assert {"actions/checkout", "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(used)
    assert all(name.startswith("actions/") for name in used if name)  # GitHub's own actions only


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine")
    done = run("init", str(tmp_path))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"{tmp_path}:1:1: exists and is not empty; init never writes over files: pick a new folder, or empty this one\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    done = run("init", str(tmp_path / "notes.txt"))
    assert (done.returncode, done.stderr) == (1, f"{tmp_path / 'notes.txt'}:1:1: exists and is not a folder; pick a new folder's name\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("init", str(empty)).returncode == 0


def test_init_through_the_console_script_name(tmp_path: Path):
    """The founder-kb console script and python -m generator are one entry point."""
    from generator.cli import main

    assert main(["init", str(tmp_path / "kb"), "--language", "es"]) == 0
    assert (tmp_path / "kb" / "rules" / "questions" / "cuidado.yaml").is_file()


@pytest.mark.parametrize(("name", "kb_id"), [
    ("My Plants", "my-plants"), ("plantas-maría", "plantas-maria"), ("2024 garden", "kb-2024-garden"),
    ("---", "plants"), ("日本", "plants"), ("a" * 60, "a" * 40), ("x" + "-" * 38 + "yz", "x-yz"),
])
def test_the_id_comes_from_the_folders_name(name: str, kb_id: str):
    assert kb_id_for(name, "en") == kb_id
    assert re.fullmatch(r"[a-z][a-z0-9-]{0,39}", kb_id)


def test_every_language_has_the_same_files():
    """A file added to one example and forgotten in the other would make init's languages differ in kind."""
    def shape(lang: str) -> list[str]:
        files = sorted((SKELETON / lang).rglob("*"))
        return sorted(re.sub(r"/[^/]+\.(yaml|md)$", "/*.\\1", p.relative_to(SKELETON / lang).as_posix()) for p in files if p.is_file())

    assert shape("en") == shape("es")
