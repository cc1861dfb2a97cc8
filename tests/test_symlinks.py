"""The build reads nothing outside the knowledge base and follows no symbolic link.

Each case plants one kind of link (or a path that leaves the root) in a scratch
copy of the knowledge base, as a malicious pull request would, and runs the real
`check` and `build` commands with a unique marker in their environment. The
outside targets are valid files of the right kind carrying the same marker, so
a build that followed a link would publish it. `check` must exit 1 naming the
link's path; `build` must exit 1 and leave the previous site as it was; the
marker must appear nowhere: not in any output, not in any file of the site, not
in sw.js.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.attack_tally import tally
from tests.conftest import ROOT, copy_kb, linked_copy

MARKER = f"KBLEAK{uuid.uuid4().hex}"
LINK = "a symbolic link, which the build never follows"


def _marked(source: Path, target: Path, old: str, new: str) -> Path:
    """A copy of a real file with the marker worked into it: valid, so following the link would publish it."""
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {source}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _swap_for_link(kb: Path, rel: str, target: Path | str) -> str:
    path = kb / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)
    return f"{rel}:1:1: {LINK}"


def rules_file(kb, outside):
    target = _marked(kb / "rules/milestones/m3.yaml", outside / "m3.yaml", "summary: ", f"summary: {MARKER} ")
    return _swap_for_link(kb, "rules/milestones/m3.yaml", target)


def rules_folder(kb, outside):
    shutil.copytree(kb / "rules", outside / "rules")
    _marked(kb / "rules/milestones/m3.yaml", outside / "rules/milestones/m3.yaml", "summary: ", f"summary: {MARKER} ")
    return _swap_for_link(kb, "rules", outside / "rules")


def rules_file_to_environ(kb, outside):  # the case: check used to echo the first 60 characters
    return _swap_for_link(kb, "rules/milestones/m9.yaml", "/proc/self/environ")


def article(kb, outside):
    rel = "content/articles/1.030106-stage-6-has-some-customers.md"
    target = _marked(kb / rel, outside / "article.md", "\n---\n", f"\n---\n\n{MARKER}\n")
    return _swap_for_link(kb, rel, target)


def page(kb, outside):
    target = _marked(kb / "content/pages/home.md", outside / "home.md", "Where is your startup", f"{MARKER} Where is your startup")
    return _swap_for_link(kb, "content/pages/home.md", target)


def site_asset_to_environ(kb, outside):  # the critical case
    return _swap_for_link(kb, "site_assets/env.txt", "/proc/self/environ")


def site_assets_subfolder(kb, outside):
    (outside / "folder").mkdir()
    (outside / "folder" / "secret.txt").write_text(MARKER)
    return _swap_for_link(kb, "site_assets/more", outside / "folder")


def template_override(kb, outside):
    (kb / "site_assets/templates").mkdir()
    target = outside / "home.md.j2"
    target.write_text(f"# {MARKER}\n\n{{{{ page.body }}}}\n")
    return _swap_for_link(kb, "site_assets/templates/home.md.j2", target)


def template_folder(kb, outside):
    (outside / "templates").mkdir()
    (outside / "templates" / "home.md.j2").write_text(f"# {MARKER}\n\n{{{{ page.body }}}}\n")
    return _swap_for_link(kb, "site_assets/templates", outside / "templates")


def theme_file(kb, outside):
    target = _marked(ROOT / "generator/theme/main.html", outside / "main.html", "{% block site_meta %}",
                     f"{{% block site_meta %}}<meta name=leak content={MARKER}>")
    return _swap_for_link(kb, "site_assets/theme/main.html", target)


def content_folder(kb, outside):
    shutil.copytree(kb / "content/articles", outside / "articles")
    _marked(kb / "content/articles/1.030106-stage-6-has-some-customers.md",
            outside / "articles/1.030106-stage-6-has-some-customers.md", "\n---\n", f"\n---\n\n{MARKER}\n")
    return _swap_for_link(kb, "content/articles", outside / "articles")


def relative_escape(kb, outside):
    (outside / "secret.txt").write_text(MARKER)
    return _swap_for_link(kb, "site_assets/leak.txt", Path("..") / ".." / outside.name / "secret.txt")


def inside_the_repository(kb, outside):
    return _swap_for_link(kb, "site_assets/copy.css", "../content/pages/home.md")


def dangling(kb, outside):
    return _swap_for_link(kb, "content/pages/gone.md", "../nowhere/gone.md")


def config_file(kb, outside):
    target = _marked(kb / "mkdocs.yml", outside / "mkdocs.yml", "site_name: ", f"site_name: {MARKER} ")
    return _swap_for_link(kb, "mkdocs.yml", target)


def theme_folder_outside(kb, outside):  # no link at all: a path that resolves outside the root (and a setting refused by name)
    shutil.copytree(ROOT / "generator/theme", outside / "theme")
    _marked(ROOT / "generator/theme/main.html", outside / "theme/main.html", "{% block site_meta %}",
            f"{{% block site_meta %}}<meta name=leak content={MARKER}>")
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text().replace("  logo: ", f"  custom_dir: ../{outside.name}/theme\n  logo: "))
    return "mkdocs.yml:7:3: 'theme.custom_dir' is set by the generator; remove it"


def theme_folder_from_environment(kb, outside):  # MkDocs' !ENV takes its default when the variable is unset
    theme_folder_outside(kb, outside)
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text().replace(f"custom_dir: ../{outside.name}/theme",
                                                 f"custom_dir: !ENV [KB_UNSET_THEME, ../{outside.name}/theme]"))
    return "mkdocs.yml:7:15: YAML tag '!ENV' is not allowed"


def inherited_config(kb, outside):
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text() + "INHERIT: /proc/self/environ\n")
    line = config.read_text().count("\n")
    return f"mkdocs.yml:{line}:1: 'INHERIT' is not supported (it would read another file); remove it"


KINDS = [rules_file, rules_folder, rules_file_to_environ, article, page, site_asset_to_environ, site_assets_subfolder, template_override,
         template_folder, theme_file, content_folder, relative_escape, inside_the_repository, dangling, config_file,
         theme_folder_outside, theme_folder_from_environment, inherited_config]


def run(kb: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"KB_LEAK_MARKER": MARKER, **os.environ}  # first: /proc/self/environ starts with it
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(kb), *args], capture_output=True,
                          text=True, encoding="utf-8", errors="replace", env=env, cwd=ROOT)


def digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and not p.is_symlink()}


def marked_files(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink() and MARKER.encode() in p.read_bytes()]


@pytest.fixture(scope="session")
def clean_digest(built_site: Path) -> dict[str, str]:
    """The run's real site (conftest.py: built once for every worker), the 'previous site' each refused build must
    leave alone, digested once: each case's linked copy (conftest.linked_copy) starts equal to it (tens of MB hashed
    per case otherwise). A build that wrote into a previous file in place changes it too: this digest, taken before
    any case, still catches it, in the case that did it."""
    assert (built_site / "sw.js").is_file()
    return digest(built_site)


@pytest.mark.parametrize("plant", KINDS, ids=[k.__name__ for k in KINDS])
def test_a_link_is_refused_by_check_and_build_and_its_target_never_read(plant, built_site: Path, clean_digest, tmp_path: Path):
    kb = copy_kb(tmp_path / "kb", "site_assets", "mkdocs.yml")
    outside = tmp_path / "outside"
    outside.mkdir()
    expected = plant(kb, outside)
    site = kb / "site"
    linked_copy(built_site, site)
    before = clean_digest

    checked = run(kb, "check")
    built = run(kb, "build")

    after = digest(site)  # once: tens of MB hashed
    named = checked.returncode == 1 and any(line.startswith(expected) for line in checked.stderr.splitlines())
    refused = named and built.returncode == 1 and after == before
    outputs = {"check stdout": checked.stdout, "check stderr": checked.stderr, "build stdout": built.stdout, "build stderr": built.stderr}
    leaks = [name for name, text in outputs.items() if MARKER in text] + marked_files(site)
    leaks += marked_files(kb / "build") if (kb / "build").is_dir() else []
    row = tally("symlinks", tried=1, refused=int(refused and not leaks), inert=int(not refused and not leaks), leaked=int(bool(leaks)))
    assert not leaks, f"the marker leaked into {len(leaks)} places: {leaks[:5]}"
    assert row.leaked == 0
    assert "Traceback" not in checked.stderr + built.stderr
    assert named, f"check should exit 1 with a line starting {expected!r}; got {checked.returncode}:\n{checked.stderr}"
    assert built.returncode == 1, built.stderr
    assert built.stderr.splitlines() == checked.stderr.splitlines(), "build refuses through the same gate, with the same lines"
    assert after == before, "a refused build leaves the previous site as it was"
    assert MARKER not in (site / "sw.js").read_text(encoding="utf-8")


def test_a_linked_pyodide_file_is_not_published(built_site: Path, clean_digest, tmp_path: Path):
    """node_modules is no source of the knowledge base, but its Pyodide files are copied into the site and precached."""
    kb = copy_kb(tmp_path / "kb", "site_assets", "mkdocs.yml")
    (tmp_path / "secret.json").write_text(f'{{"leak": "{MARKER}"}}')
    package = kb / "node_modules" / "pyodide"
    package.mkdir(parents=True)
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        shutil.copyfile(built_site / "assets" / "pyodide" / name, package / name)
    (package / "pyodide-lock.json").symlink_to(tmp_path / "secret.json")
    site = kb / "site"
    linked_copy(built_site, site)
    before = clean_digest

    built = run(kb, "build")

    leaks = [name for name, text in (("stdout", built.stdout), ("stderr", built.stderr)) if MARKER in text] + marked_files(site)
    refused = built.returncode == 1 and f"node_modules/pyodide/pyodide-lock.json:1:1: {LINK}" in built.stderr
    tally("symlinks", tried=1, refused=int(refused and not leaks), inert=int(not refused and not leaks), leaked=int(bool(leaks)))
    assert not leaks, f"the marker leaked into {len(leaks)} places: {leaks[:5]}"
    assert refused, built.stderr
    assert digest(site) == before


def test_schemas_writes_through_no_link(tmp_path: Path):
    """`schemas` rewrites files under rules/: through a link it would overwrite whatever the link points at."""
    kb = copy_kb(tmp_path / "kb")
    victim = tmp_path / "victim.txt"
    victim.write_text(MARKER)
    _swap_for_link(kb, "rules/README.md", victim)
    done = run(kb, "schemas")
    kept = victim.read_text() == MARKER
    refused = done.returncode == 1 and done.stderr.startswith(f"rules/README.md:1:1: {LINK}")
    tally("symlinks", tried=1, refused=int(refused and kept), inert=0, leaked=int(not (refused and kept)))
    assert kept, "the link's target was overwritten"
    assert refused, done.stderr
