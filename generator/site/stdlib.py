"""The standard library the browser gets: only the files a real engine run imports under Pyodide, as bytecode.

Pyodide's python_stdlib.zip is 2.5 MB, most of it modules the engine never
imports, and it hardly compresses further. It is also source: a browser compiles
every module its start imports, which was most of a first visit's start once the
download was in. The build writes a cut-down, compiled zip in its place, derived,
never kept by hand:

1. Pyodide is started in Node as the assessment's worker starts it
   (stdlib_probe.mjs): the engine unpacked, built from this build's rules.json,
   every rule case and a set of refused answers scored (a refusal may import
   what a score does not: "did you mean" needs difflib), a memory snapshot made.
   The standard library files of every module then loaded are the list;
2. those files are compiled by the same Pyodide (stdlib_compile.mjs) into a zip
   of .pyc files, as ``python -OO -X no_debug_ranges`` would compile them, so
   that it is hardly larger on the wire than the sources (0.67 MB against 0.60);
3. the same run as 1. on that zip must start, import nothing else and give the
   same results, or the build fails, in one line, and publishes nothing.

These runs cost a few seconds, so the checked zip is kept in a cache, named after
what decides it: Pyodide's standard library and lock file (which names its Python
and ABI, so its bytecode), the engine, the scripts run in Node, and the modules the same
answers import on this CPython (a run of ~0.5 s, itself kept by the digests of
what it reads, the interpreter and this module's source: a build that changed
none of them does not run it). A rules change that makes the engine import
another module changes that list: the probe runs again and ships it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .. import kept as kept_results
from ..errors import Problem, UserError

STDLIB = "python_stdlib.zip"
PROBE = Path(__file__).with_name("stdlib_probe.mjs")
COMPILE = Path(__file__).with_name("stdlib_compile.mjs")
NODE_SCRIPTS = (PROBE, COMPILE, Path(__file__).with_name("node_pyodide.mjs"))  # what runs in Node: each decides the zip
LOCK = "pyodide-lock.json"
_PROBE_TIMEOUT_S = 300
_KEPT = 8  # cut-down zips in the cache (3 MB each): a few engines and Pyodides side by side
_MODULES_SEEN: dict[str, list[str]] = {}  # _cpython_modules' answers in this process, by the digest of what it read
_CPYTHON_RUN = """
import json, sys
sys.path.insert(0, sys.argv[1])
from scoring import Engine
engine = Engine.from_json(open(sys.argv[2], encoding="utf-8").read())
for text in json.load(open(sys.argv[3], encoding="utf-8")):
    engine.score_json(text)
print(json.dumps(sorted(sys.modules)))
"""


def workload(compiled: dict, case_answers: list) -> list[str]:
    """The answer texts both runs score: nothing, every rule case, and answers the engine refuses."""
    questions = [q["id"] for q in compiled["questions"]]
    refused = [{qid: "not an answer" for qid in questions}, [], "text"]
    if questions:
        refused.append({questions[0][:-1] or "x": 1})  # a near miss: the engine suggests the id it meant
    return [json.dumps(answers) for answers in [{}, *case_answers, *refused]]


def write_stdlib(pyodide: Path, target: Path, engine_zip: Path, rules: Path, answers: list[str]) -> None:
    """Write the cut-down standard library zip at ``target``, derived and checked as the module says."""
    full = pyodide / STDLIB
    with tempfile.TemporaryDirectory(prefix="kb-stdlib-") as scratch:
        answers_file = Path(scratch) / "answers.json"
        answers_file.write_text(json.dumps(answers), encoding="utf-8")
        key = _key(full, pyodide / LOCK, engine_zip, _cpython_modules(engine_zip, rules, answers_file))
        cached = _cache_dir() / f"{key}.zip"
        if cached.is_file():
            shutil.copyfile(cached, target)
            return
        node = _node()
        first = _probe(node, pyodide, engine_zip, rules, answers_file)
        _write_zip(node, pyodide, target, first["files"], Path(scratch))
        second = _probe(node, pyodide, engine_zip, rules, answers_file, target)
        _same_run(first, second)
        _remember(cached, target)


def _cpython_modules(engine_zip: Path, rules: Path, answers: Path) -> list[str]:
    """The modules the same answers import on this CPython, from the same engine zip (a clean interpreter).
    Remembered by what the run reads: the live preview rebuilds with the same engine, rules and cases again and again,
    and starting an interpreter to score them all cost it most of a second each time."""
    seen = hashlib.sha256(b"".join(hashlib.sha256(path.read_bytes()).digest() for path in (engine_zip, rules, answers))).hexdigest()
    if seen not in _MODULES_SEEN:
        _MODULES_SEEN[seen] = _kept_modules(seen) or _run_cpython(engine_zip, rules, answers)
        _keep_modules(seen, _MODULES_SEEN[seen])
        for old in list(_MODULES_SEEN)[:-_KEPT]:
            del _MODULES_SEEN[old]
    return list(_MODULES_SEEN[seen])


def _modules_file(seen: str) -> Path:
    """Where a build keeps ``_cpython_modules``' answer for the next one (a process of its own, which starts with no
    memory): named after what the run read, this interpreter and this module's source (the run's script is in it)."""
    digest = hashlib.sha256(f"{seen}\0{sys.executable}\0{sys.version}\0".encode() + Path(__file__).read_bytes()).hexdigest()
    return _cache_dir() / "modules" / f"{digest[:32]}.json"


def _kept_modules(seen: str) -> list[str] | None:
    try:
        modules = json.loads(_modules_file(seen).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return modules if isinstance(modules, list) and modules and all(isinstance(name, str) for name in modules) else None


def _keep_modules(seen: str, modules: list[str]) -> None:
    """Written whole under another name, then renamed: a build that reads it meanwhile sees the old file or the new one."""
    kept = _modules_file(seen)
    try:
        if kept.is_file():
            return
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(modules), encoding="utf-8")
        partial.replace(kept)
        for old in sorted(kept.parent.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-4 * _KEPT]:
            old.unlink()
    except OSError:
        pass  # no cache: the next build runs the engine again


def _run_cpython(engine_zip: Path, rules: Path, answers: Path) -> list[str]:
    run = subprocess.run([sys.executable, "-I", "-S", "-c", _CPYTHON_RUN, str(engine_zip), str(rules), str(answers)],
                         capture_output=True, text=True, timeout=_PROBE_TIMEOUT_S)
    if run.returncode != 0:
        raise UserError([f"build: the engine failed on the rule cases in a clean interpreter: {_last_line(run.stderr)}"])
    return json.loads(run.stdout)


def _key(full: Path, lock: Path, engine_zip: Path, modules: list[str]) -> str:
    """What decides the checked zip. The bytecode is the interpreter's: the lock file names its Python and ABI."""
    digest = hashlib.sha256()
    for part in (full.read_bytes(), lock.read_bytes(), engine_zip.read_bytes(), *(script.read_bytes() for script in NODE_SCRIPTS),
                 Path(__file__).read_bytes(), "\n".join(modules).encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:32]


def _probe(node: str, pyodide: Path, engine_zip: Path, rules: Path, answers: Path, stdlib: Path | None = None) -> dict:
    which = "the cut-down standard library" if stdlib else "Pyodide's standard library"
    out = _node_run(node, PROBE, [str(pyodide), str(engine_zip), str(rules), str(answers), *([str(stdlib)] if stdlib else [])],
                    f"the engine does not run under Pyodide in Node with {which}")
    return json.loads(out)


def _node_run(node: str, script: Path, args: list[str], failed: str) -> str:
    """``script``'s stdout; a failure is one line, ``failed`` and the script's own last word."""
    try:
        run = subprocess.run([node, str(script), *args], capture_output=True, text=True, encoding="utf-8", timeout=_PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        run = None
    if run is None or run.returncode != 0:
        reason = _last_line(run.stderr).removeprefix(f"{script.name}: ") if run else f"no answer within {_PROBE_TIMEOUT_S} s"
        raise UserError([Problem("package.json", 1, 1, f"{failed}: {reason}",
                                 "run 'npm ci'; if it still fails, the generator's standard library cut is wrong: please report it")])
    return run.stdout


def _same_run(first: dict, second: dict) -> None:
    """The compiled run must import nothing the zip lacks and give exactly the whole library's results."""
    sources = {name.removesuffix("c") if name.endswith(".pyc") else name for name in second["files"]}
    if first["results"] != second["results"] or not sources <= set(first["files"]):
        raise UserError([Problem("package.json", 1, 1, "the engine gives other results with the cut-down standard library than with Pyodide's own",
                                 "the generator's standard library cut is wrong: please report it")])


def _write_zip(node: str, pyodide: Path, target: Path, files: list[str], scratch: Path) -> None:
    """The whole library's members that ``files`` name, in its order, compiled (stdlib_compile.mjs) and stored rather
    than deflated: a compressing host then sends the 2.9 MB in 0.67 MB (brotli)."""
    with zipfile.ZipFile(pyodide / STDLIB) as source:
        names = source.namelist()
    wanted = set(files)
    missing = wanted - set(names)
    if missing:
        raise UserError([Problem("package.json", 1, 1, f"{STDLIB} lacks {sorted(missing)[0]!r}, which the engine imports",
                                 "run 'npm ci' for an unmodified Pyodide")])
    listed = scratch / "files.json"
    listed.write_text(json.dumps([name for name in names if name in wanted]), encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    _node_run(node, COMPILE, [str(pyodide), str(listed), str(target)], "Pyodide could not compile its standard library in Node")


def _cache_dir() -> Path:
    return kept_results.cache_dir("stdlib")


def _remember(cached: Path, checked: Path) -> None:
    """Keep the checked zip for the next build; a cache that cannot be written only costs the next build the probe."""
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(checked, partial)
        partial.replace(cached)
        for old in sorted(cached.parent.glob("*.zip"), key=lambda p: p.stat().st_mtime)[:-_KEPT]:
            old.unlink()
    except OSError:
        pass


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise UserError([Problem("package.json", 1, 1, "Node.js is not installed: the build runs the engine under Pyodide in Node "
                                 "to find the standard library modules it needs", "install Node.js 20 or later (npm ci needs it too)")])
    return node


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no message"
