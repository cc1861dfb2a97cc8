"""The site ships only the standard library a real engine run imports under Pyodide (generator/site/stdlib.py),
and the build refuses, in one line, a cut the engine cannot run on.

Needs node and node_modules/pyodide (`npm ci`), as the build does."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.knowledge import load_knowledge
from generator.rules.compile import compile_rules, rules_json
from generator.site import stdlib
from generator.site.bundle import write_engine_zip
from generator.site.stdlib import STDLIB, workload, write_stdlib

pytestmark = pytest.mark.pyodide
ROOT = Path(__file__).resolve().parents[1]
PYODIDE = ROOT / "node_modules" / "pyodide"


def _bundle(folder: Path) -> tuple[Path, Path, dict]:
    """This knowledge base's engine zip and rules.json, as the build writes them."""
    knowledge = load_knowledge(ROOT)
    compiled = compile_rules(knowledge.rules, knowledge.articles, "en")
    engine_zip, rules_file = folder / "engine.zip", folder / "rules.json"
    write_engine_zip(engine_zip)
    rules_file.write_text(rules_json(compiled), encoding="utf-8")
    return engine_zip, rules_file, compiled


def _names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def test_the_site_ships_the_modules_the_engine_and_pyodide_import_and_no_others(built_site: Path):
    shipped = built_site / "assets" / "pyodide" / STDLIB
    whole = _names(PYODIDE / STDLIB)
    compiled = _names(shipped)
    assert all(name.endswith(".pyc") for name in compiled), "bytecode only: the browser compiles no source"
    names = {name.removesuffix("c") for name in compiled}
    assert names < whole
    assert len(names) < len(whole) / 3, f"{len(names)} of {len(whole)} files"
    # the engine's own imports, the "did you mean" of a refused answer, and Pyodide's start
    assert {"json/__init__.py", "fractions.py", "gettext.py", "difflib.py", "_pyodide/_base.py", "zipfile/__init__.py"} <= names
    assert not names & {"email/__init__.py", "unittest/__init__.py", "sqlite3/__init__.py", "xml/__init__.py"}
    with zipfile.ZipFile(shipped) as archive:
        heads = {archive.read(name)[:8] for name in compiled}
    assert len(heads) == 1 and heads.pop()[4:] == (1).to_bytes(4, "little"), "one Python's magic; unchecked hash-based (PEP 552)"
    runtime = json.loads((built_site / "assets" / "kb" / "runtime.json").read_text())
    assert runtime["files"]["../pyodide/python_stdlib.zip"] == shipped.stat().st_size  # progress counts the shipped file


def test_a_module_only_a_refusal_imports_is_shipped(tmp_path: Path):
    """What the same answers import on CPython names the cached cut: answers that import more get a zip with more."""
    engine_zip, rules_file, compiled = _bundle(tmp_path)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(["{}"]))
    quiet = stdlib._cpython_modules(engine_zip, rules_file, answers)
    answers.write_text(json.dumps(workload(compiled, [])))
    refused = stdlib._cpython_modules(engine_zip, rules_file, answers)
    assert "difflib" not in quiet and "difflib" in refused



def test_the_modules_a_build_kept_are_read_again_only_for_the_same_inputs(tmp_path: Path, monkeypatch):
    """The next build (a new process) reads the kept list instead of starting an interpreter, but a changed
    answers file, rules file or engine is run again, never answered from the list another input left."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    engine_zip, rules_file, compiled = _bundle(tmp_path)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(["{}"]))
    runs = []
    real = stdlib._run_cpython
    monkeypatch.setattr(stdlib, "_run_cpython", lambda *paths: runs.append(paths) or real(*paths))
    monkeypatch.setattr(stdlib, "_MODULES_SEEN", {})
    quiet = stdlib._cpython_modules(engine_zip, rules_file, answers)
    monkeypatch.setattr(stdlib, "_MODULES_SEEN", {})  # as a new process starts
    assert stdlib._cpython_modules(engine_zip, rules_file, answers) == quiet and len(runs) == 1
    answers.write_text(json.dumps(workload(compiled, [])))
    monkeypatch.setattr(stdlib, "_MODULES_SEEN", {})
    refused = stdlib._cpython_modules(engine_zip, rules_file, answers)
    assert len(runs) == 2 and "difflib" in refused and "difflib" not in quiet
    rules_file.write_text(rules_file.read_text(encoding="utf-8") + " ", encoding="utf-8")
    monkeypatch.setattr(stdlib, "_MODULES_SEEN", {})
    assert stdlib._cpython_modules(engine_zip, rules_file, answers) == refused and len(runs) == 3

def test_a_cut_the_engine_cannot_run_on_fails_the_build_in_one_line(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no verdict from an earlier build
    engine_zip, rules_file, _ = _bundle(tmp_path)
    cut = stdlib._write_zip

    def without_fractions(node, pyodide, target, files, scratch):  # the engine imports it; Pyodide's start does not
        cut(node, pyodide, target, [f for f in files if f != "fractions.py"], scratch)

    monkeypatch.setattr(stdlib, "_write_zip", without_fractions)
    target = tmp_path / "site" / STDLIB
    with pytest.raises(UserError) as raised:
        write_stdlib(PYODIDE, target, engine_zip, rules_file, ["{}"])
    message = str(raised.value.problems[0])
    assert message.startswith("package.json:1:1: the engine does not run under Pyodide in Node with the cut-down standard library")
    assert message.endswith("No module named 'fractions'; run 'npm ci'; if it still fails, the generator's standard library cut "
                            "is wrong: please report it")
    assert not list((tmp_path / "cache").rglob("*.zip")), "a cut that failed is not remembered"


def test_the_site_ships_pyodides_lock_with_its_info_and_no_package(built_site: Path):
    shipped = json.loads((built_site / "assets" / "pyodide" / "pyodide-lock.json").read_text())
    assert shipped == {"info": json.loads((PYODIDE / "pyodide-lock.json").read_text())["info"], "packages": {}}


@pytest.mark.parametrize("text", ["", "{", "[]", '{"packages": {}}', '"info"'])
def test_a_lock_file_pyodide_did_not_write_is_one_line(tmp_path: Path, text: str):
    from generator.site.build import _write_lock

    (tmp_path / "lock.json").write_text(text)
    with pytest.raises(UserError) as raised:
        _write_lock(tmp_path / "lock.json", tmp_path / "out.json")
    assert str(raised.value.problems[0]) == ("node_modules/pyodide/pyodide-lock.json:1:1: Pyodide's lock file is not one Pyodide "
                                             "wrote; run 'npm ci' for an unmodified Pyodide")
    assert not (tmp_path / "out.json").exists()


def test_the_cached_zip_is_named_after_the_python_that_compiled_it(tmp_path: Path):
    """Bytecode is the interpreter's: another Pyodide's lock (another Python or ABI) never reuses a cached zip."""
    engine_zip, _, _ = _bundle(tmp_path)
    lock = json.loads((PYODIDE / "pyodide-lock.json").read_text())
    other = tmp_path / "other-lock.json"
    other.write_text(json.dumps({**lock, "info": {**lock["info"], "python": "3.14.99"}}))
    same = stdlib._key(PYODIDE / STDLIB, PYODIDE / "pyodide-lock.json", engine_zip, ["json"])
    assert same == stdlib._key(PYODIDE / STDLIB, PYODIDE / "pyodide-lock.json", engine_zip, ["json"])
    assert same != stdlib._key(PYODIDE / STDLIB, other, engine_zip, ["json"])
