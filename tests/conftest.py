"""Shared fixtures: the repository root, and one real site build per test run, however many xdist workers share it."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator import processes

ROOT = Path(__file__).resolve().parents[1]


def require_or_skip(reason: str) -> None:
    """Skip locally; fail under CI (KB_REQUIRE_ALL=1), where nothing may be skipped."""
    if os.environ.get("KB_REQUIRE_ALL") == "1":
        pytest.fail(f"required test could not run: {reason}")
    pytest.skip(reason)


# For a pytest run a test starts: the plugins installed beside pytest that such a run does not use. Loading them is
# most of a small run's time (a one-test session: 1.3 s with them, 0.4 s without).
UNUSED_PLUGINS = tuple(arg for name in ("hypothesispytest", "anyio", "platformdirs") for arg in ("-p", f"no:{name}"))
NO_XDIST = ("-p", "no:xdist", "-p", "no:xdist.looponfail")


# `make test-fast` sets KB_FAST_LOOP=1: each property test draws a quarter of its examples there (at least one), so
# that the loop answers in about a minute and a half. `make test`, and with it CI, draws them all.
FAST_LOOP = os.environ.get("KB_FAST_LOOP") == "1"


def examples(count: int) -> int:
    """How many examples a property test draws in this run: ``count``, or a quarter of it in the fast loop."""
    return max(1, count // 4) if FAST_LOOP else count


def linked_copy(site: Path, target: Path) -> Path:
    """``site`` (most often the run's shared build) as a previous site for a build to leave alone: hard-linked, since
    copying Pyodide's megabytes cost more than the test. A build that wrote into a previous file in place would change
    ``site`` too; the tests that use this compare the copy with what ``site`` held before."""
    shutil.copytree(site, target, copy_function=os.link)
    return target


def copy_kb(target: Path, *extra: str) -> Path:
    """A scratch copy of the knowledge base (rules/ and content/, plus ``extra`` paths) to break or extend."""
    for name in ("rules", "content", *extra):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target


def files_digest(folder: Path, *skipped: str) -> str:
    """The SHA-256 of every file under ``folder``, names and bytes, but those under a folder named in ``skipped``:
    the key of a result a test keeps for another that starts from the same files."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not set(skipped) & set(p.relative_to(folder).parts)):
        digest.update(f"{path.relative_to(folder).as_posix()}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return copy_kb(tmp_path)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


def shared_folder(config, tmp_path_factory) -> Path:
    """A scratch folder of this run's that every xdist worker sees (the controller's), or this process's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base  # a worker's is <controller's>/popen-gwN


@contextmanager
def locked(path: Path):
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        yield


def build_once(folder: Path, build: Callable[[Path], object]) -> Path:
    """``folder``, made by ``build(folder)`` in whichever process of this run asks first; the others wait for it.

    A build that failed is not tried again by every worker: they fail with its error."""
    done = folder.with_name(folder.name + ".done")
    with locked(folder.with_name(folder.name + ".lock")):
        if not done.exists():
            try:
                build(folder)
            except Exception as error:
                done.write_text(f"{type(error).__name__}: {error}", encoding="utf-8")
                raise
            done.write_text("", encoding="utf-8")
        elif failed := done.read_text(encoding="utf-8"):
            pytest.fail(f"{folder.name} could not be built (in another xdist worker): {failed}")
    return folder


@pytest.fixture(scope="session")
def built_site(pytestconfig, tmp_path_factory) -> Path:
    """The repository's site, built once per run (not per xdist worker) into a scratch directory with the real pipeline."""
    from generator.site.build import build_site

    if not (ROOT / "node_modules" / "pyodide").is_dir() and not shutil.which("npm"):
        require_or_skip("node_modules/pyodide is missing; run `npm ci`")
    return build_once(shared_folder(pytestconfig, tmp_path_factory) / "kb-site", lambda site: build_site(ROOT, site))


# Under pytest-xdist the browser tests' site (tests/browser/conftest.py) is built once by the first worker that needs
# it, for one URL, so one server serves it to every worker: the controller's, which outlives them all. The workers
# learn its URL and folder from their workerinput.
BROWSER_SITE = "kb_browser_site"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """(xdist controller) Serve the browser tests' site, once it is built, to the workers."""
    config = node.config
    if not hasattr(config, "_kb_site_server"):
        from generator.site.serve import make_server

        folder = Path(tempfile.mkdtemp(prefix="kb-browser-")) / "site"
        server = make_server(folder)
        server.socket.listen(128)  # every worker's Chromium opens its connections at once: more than the default 5 wait
        threading.Thread(target=server.serve_forever, daemon=True).start()
        config._kb_site_server = server, folder
    server, folder = config._kb_site_server
    node.workerinput[BROWSER_SITE] = (f"http://127.0.0.1:{server.server_address[1]}/", str(folder))


def pytest_unconfigure(config) -> None:
    if hasattr(config, "_kb_site_server"):
        server, folder = config._kb_site_server
        server.shutdown()
        server.server_close()
        shutil.rmtree(folder.parent, ignore_errors=True)


# The attack families' table adds up every worker's tallies: each sends its own at the end, the controller merges them.
ATTACK_TALLIES = "kb_attack_tallies"


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session) -> None:
    if hasattr(session.config, "workeroutput"):
        from tests.attack_tally import rows

        session.config.workeroutput[ATTACK_TALLIES] = rows()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """(xdist controller) A worker is done: add its tallies to the table."""
    from tests.attack_tally import merge

    if not getattr(node, "_kb_tallied", False):  # once, should a worker that finished also be reported down
        node._kb_tallied = True
        merge(getattr(node, "workeroutput", {}).get(ATTACK_TALLIES, []))


def pytest_terminal_summary(terminalreporter) -> None:
    """The attack set's table (tests/attack_tally.py): tried, refused, inert and leaked per family, over every worker."""
    from tests.attack_tally import table

    lines = table()
    if lines:
        terminalreporter.section("attack families")
        for line in lines:
            terminalreporter.write_line(line)


# The slow kinds of test, by the folder that holds them: a new file there is marked without anyone remembering to.
SLOW_KINDS = {"pyodide": 1, "browser": 2}  # and the order they run in, after every other test


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the xdist_group marks
def pytest_collection_modifyitems(items) -> None:
    """Mark the browser and Pyodide tests by folder, and run them last.

    `make test-fast` leaves both marks out; `make test` reports the fast tests' verdict in its first minutes
    instead of after the browser's. The sort is stable, so each module's tests stay together in file order.

    A module whose tests share a fixture of module or class scope (a site built for them, a wheel) is one
    xdist_group: under `--dist loadgroup` (`make test`) one worker runs it all and makes that fixture once.
    Such modules run first among the slow tests of their kind.
    """
    tests = ROOT / "tests"
    grouped = set()
    for item in items:
        parts = item.path.relative_to(tests).parts if item.path.is_relative_to(tests) else ()
        if len(parts) > 1 and parts[0] in SLOW_KINDS:
            item.add_marker(parts[0])
        if _shares_a_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.path.relative_to(ROOT).as_posix()
                                                    if item.path.is_relative_to(ROOT) else str(item.path)))
            grouped.add(item.path)

    def order(item) -> tuple[int, bool]:
        """The kind's turn; among the slow ones, the whole modules first, so the last minutes are spread over
        single tests, not spent by one worker on a long module while the others wait."""
        kind = max((SLOW_KINDS[kind] for kind in SLOW_KINDS if item.get_closest_marker(kind)), default=0)
        return kind, kind > 0 and item.path not in grouped

    items.sort(key=order)


class GroupsTook:
    """(xdist worker, `--dist loadgroup`) Fails each grouped test whose group did not take: its module's shared
    fixture would then be made once per worker, and nothing would say so (pytest 9.2 with pytest-xdist 3.8 did that)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item) -> None:
        if getattr(item.config.option, "loadgroup", False) and item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            pytest.fail(f"--dist loadgroup left this test out of its xdist_group: this pytest ({pytest.__version__}) and "
                        "pytest-xdist do not work together (see pyproject.toml)", pytrace=False)


def pytest_report_header(config) -> str | None:
    return "KB_FAST_LOOP=1: each property test draws a quarter of its examples (make test draws them all)" if FAST_LOOP else None


def pytest_configure(config) -> None:
    config.pluginmanager.register(GroupsTook(), "kb-groups-took")
    if hasattr(config, "workerinput"):  # an xdist worker: every core already runs one
        # The builds the tests make (and the commands they start, which inherit it) stay in one process, as README's
        # KB_JOBS advises for a runner whose cores have other work: forking helpers there only adds their start-up.
        # The tests of the helpers themselves ask for two cores (two_cores, below).
        os.environ.setdefault("KB_JOBS", "1")


def _shares_a_fixture(item) -> bool:
    """Whether the test uses a fixture made once for its module or class (not per test, not per session)."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info else ()
    return any(d.scope in ("class", "module", "package") for defs in definitions for d in defs)


@pytest.fixture
def two_cores(monkeypatch) -> None:
    """The build shares its work among two cores (processes.cores), however many the machine has."""
    monkeypatch.setenv("KB_JOBS", "2")


@pytest.fixture
def worker_pools(monkeypatch, two_cores) -> list:
    """The worker pools the generator starts from now on (processes.forked_map's, and those of the modules that start
    their own: harden, precompress, head_start), each recorded by its arguments."""
    started: list = []
    real = processes.ProcessPoolExecutor
    for module in [m for name, m in sys.modules.items() if name.split(".")[0] == "generator"]:
        if getattr(module, "ProcessPoolExecutor", None) is real:
            monkeypatch.setattr(module, "ProcessPoolExecutor", lambda *a, **k: started.append(a) or real(*a, **k))
    return started
