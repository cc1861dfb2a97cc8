"""`new`, `diff` and `serve` answer any input a user can type, or a client can send, with one clear line.

Each table row is one hostile or mistaken input: a name that is a path, a control character, a base
that is an option, a root that is no knowledge base, a port or host that cannot be listened on, a
folder that cannot be written. Each must end in its exit code and exactly one line on stderr (no
traceback, no raw control character), with nothing written anywhere. Tallied as the "cli-input"
attack family (tests/attack_tally.py).
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.scaffold import new
from generator.site import serve as preview
from tests.attack_tally import tally
from tests.cli_run import run_cli
from tests.conftest import copy_kb

ROOT = Path(__file__).resolve().parents[1]
FAMILY = "cli-input"
ID_RULE = "must be an id: lower-case letters and digits, joined by single '-' or '_', starting with a letter"
NOT_A_COMMIT = "is not a commit in this repository; pass a commit, branch or tag, e.g. --base origin/main"
NOT_HERE = "is not an address of this machine"
ELSEWHERE = "use 127.0.0.1, or 0.0.0.0 to be reachable from other machines: --host H (make serve HOST=H)"


def run(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command, in this process (tests/cli_run.py): its status, stdout and stderr, a traceback included."""
    return run_cli("--root", str(root), *args, cwd=ROOT, env=env)


def run_process(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """The command in a process of its own: serve's, which could otherwise go on serving, stopped by the timeout."""
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], capture_output=True,
                          text=True, errors="replace", cwd=ROOT, timeout=timeout)


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file and link under ``folder``, by path, with its content's hash (links by their target)."""
    if not folder.exists():
        return {}
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


def refusal(result: subprocess.CompletedProcess, code: int, line: str) -> str | None:
    """None when the command refused as it should: ``code``, exactly ``line`` on stderr, nothing on stdout."""
    if "Traceback" in result.stderr + result.stdout:
        return "a traceback:\n" + result.stderr
    if any(not ch.isprintable() for ch in result.stderr.rstrip("\n")):
        return f"a raw control character in {result.stderr!r}"
    if (result.returncode, result.stderr, result.stdout) != (code, line + "\n", ""):
        return f"exit {result.returncode}, stderr {result.stderr!r}, stdout {result.stdout[:300]!r}"
    return None


def counted(problem: str | None) -> None:
    """Tally one attack, then fail if it got through."""
    tally(FAMILY, tried=1, refused=int(problem is None), inert=0, leaked=int(problem is not None))
    assert problem is None, problem


# --- new ---------------------------------------------------------------------------------------------


def _flags_is_a_file(kb: Path) -> None:
    shutil.rmtree(kb / "rules" / "flags")
    (kb / "rules" / "flags").write_text("not a folder\n")


def _group_not_utf8(kb: Path) -> None:
    with (kb / "rules" / "questions" / "customers.yaml").open("ab") as out:
        out.write(b"# caf\xe9\n")


def _group_is_a_link(kb: Path) -> None:
    outside = kb.parent / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("questions: []\n")
    (kb / "rules" / "questions" / "linked.yaml").symlink_to(outside / "secret.yaml")


def _milestones_is_a_link(kb: Path) -> None:
    outside = kb.parent / "outside"
    outside.mkdir()
    shutil.move(kb / "rules" / "milestones", outside / "milestones")
    (kb / "rules" / "milestones").symlink_to(outside / "milestones")


def _no_rules(kb: Path) -> None:
    shutil.rmtree(kb / "rules")


NEW_CASES = [
    # (id, setup, args, expected line; {root} is the knowledge base's root)
    ("name with ../", None, ["new", "milestone", "--name", "../x"], f"--name {ID_RULE} (not '../x')"),
    ("name with /", None, ["new", "flag", "--name", "a/b"], f"--name {ID_RULE} (not 'a/b')"),
    ("absolute name", None, ["new", "flag", "--name", "/etc/passwd"], f"--name {ID_RULE} (not '/etc/passwd')"),
    ("group with ../", None, ["new", "question", "--name", "q", "--group", "../customers"], f"--group {ID_RULE} (not '../customers')"),
    ("framework with ../", None, ["new", "stage", "--name", "s", "--framework", "../../etc"], f"--framework {ID_RULE} (not '../../etc')"),
    ("terminal escape in a name", None, ["new", "flag", "--name", "x\x1b[2J"], f"--name {ID_RULE} (not 'x\\x1b[2J')"),
    ("line break in a name", None, ["new", "flag", "--name", "x\n::error::forged"], f"--name {ID_RULE} (not 'x\\n::error::forged')"),
    ("trailing line break in a name", None, ["new", "flag", "--name", "x\n"], f"--name {ID_RULE} (not 'x\\n')"),
    ("bidi override in a name", None, ["new", "flag", "--name", "x\u202eyaml"], f"--name {ID_RULE} (not 'x\\u202eyaml')"),
    ("5,000-character name", None, ["new", "flag", "--name", "a" * 5000], "--name is 5,000 characters long; an id has at most 100"),
    ("existing milestone", None, ["new", "milestone", "--name", "m1"], "rules/milestones/m1.yaml:1:1: already exists; pick another id or number"),
    ("existing question", None, ["new", "question", "--name", "paying_customers", "--group", "sales-engine"],
     "rules/questions/customers.yaml:1:1: question 'paying_customers' already exists; pick another id, or edit that question"),
    ("existing stage", None, ["new", "stage", "--name", "stage-1", "--framework", "spinning-plates"],
     "rules/frameworks/spinning-plates.yaml:1:1: stage 'stage-1' already exists; pick another id, or edit that stage"),
    ("missing --framework", None, ["new", "stage", "--name", "s"], "this kind needs the framework, e.g. --framework cxo-atlas"),
    ("missing --group", None, ["new", "question", "--name", "q"],
     "this kind needs the form group it belongs to, e.g. --group customers (see rules/questions/)"),
    ("missing --section", None, ["new", "article"], "this kind needs the section, e.g. --section 5.0203 (see rules/outline.yaml)"),
    ("unknown group", None, ["new", "question", "--name", "q", "--group", "nope"],
     "rules/questions/nope.yaml:1:1: no question group 'nope'; see rules/questions/"),
    ("Arabic-Indic section", None, ["new", "article", "--section", "\u0661.\u0660\u0663\u0660\u0661"],
     "--section must look like 5.0203 (volume.chapter+section), not '١.٠٣٠١'"),
    ("section with a path", None, ["new", "article", "--section", "1.0301/../../x"],
     "--section must look like 5.0203 (volume.chapter+section), not '1.0301/../../x'"),
    ("5,000-character section", None, ["new", "article", "--section", "1" * 5000],
     f"--section must look like 5.0203 (volume.chapter+section), not '{'1' * 60}…'"),
    ("flags/ is a file", _flags_is_a_file, ["new", "flag", "--name", "x"],
     "rules/flags/x.yaml:1:1: cannot write it: rules/flags is a file, not a folder; move that file out of the way"),
    ("group file not UTF-8", _group_not_utf8, ["new", "question", "--name", "q", "--group", "customers"],
     "rules/questions/customers.yaml:{last}:6: not UTF-8 text (byte e9); save the file as UTF-8"),
    ("group file is a link", _group_is_a_link, ["new", "question", "--name", "q", "--group", "linked"],
     "rules/questions/linked.yaml:1:1: is a symbolic link; new writes only real files and folders; "
     "replace the link with the file or folder itself"),
    ("milestones/ is a link", _milestones_is_a_link, ["new", "milestone", "--name", "mx"],
     "rules/milestones:1:1: is a symbolic link; new writes only real files and folders; replace the link with the file or folder itself"),
    ("root without rules/", _no_rules, ["new", "milestone"],
     "rules:1:1: no rules/ directory here; run from the knowledge base's root (looked in {root})"),
]


@pytest.mark.parametrize("setup, args, line", [case[1:] for case in NEW_CASES], ids=[case[0] for case in NEW_CASES])
def test_new_refuses_with_one_line_and_writes_nothing(tmp_path: Path, setup, args, line):
    kb = copy_kb(tmp_path / "kb")
    if setup:
        setup(kb)
    before, outside = fingerprint(tmp_path), fingerprint(tmp_path / "outside")
    last = (kb / "rules" / "questions" / "customers.yaml").read_bytes().count(b"\n") if setup is _group_not_utf8 else 0
    problem = refusal(run(kb, *args), 1, line.format(root=kb, last=last))
    if problem is None and fingerprint(tmp_path) != before:
        problem = "files changed: " + ", ".join(sorted(set(fingerprint(tmp_path).items()) ^ set(before.items())))[:500]
    if problem is None and fingerprint(tmp_path / "outside") != outside:
        problem = "a file outside the knowledge base changed"
    counted(problem)


@pytest.mark.parametrize("root", ["missing", "a-file", "empty"])
def test_new_outside_a_knowledge_base_creates_nothing(tmp_path: Path, root: str):
    target = tmp_path / root
    if root == "a-file":
        target.write_text("x")
    elif root == "empty":
        target.mkdir()
    before = fingerprint(tmp_path)
    problem = refusal(run(target, "new", "milestone"), 1,
                      f"rules:1:1: no rules/ directory here; run from the knowledge base's root (looked in {target})")
    if problem is None and fingerprint(tmp_path) != before:
        problem = f"created {sorted(set(fingerprint(tmp_path)) - set(before))}"
    counted(problem)


ARTICLE_NAMES = ["../../../../etc/cron.d/x", "/etc/passwd", "a\x1b[2Jb\nc", "\u202eevil", "..", "x" * 5000, "Ünïcödé"]


@pytest.mark.parametrize("name", ARTICLE_NAMES, ids=["dot-dot path", "absolute path", "control characters", "bidi",
                                                     "only dots", "5,000 characters", "accents"])
def test_an_article_name_is_only_ever_a_slug(tmp_path: Path, name: str):
    """An article's --name is free text by design: it becomes a slug of a-z, 0-9 and '-', inside content/articles/."""
    kb = copy_kb(tmp_path / "kb")
    before = fingerprint(tmp_path)
    result = run(kb, "new", "article", "--section", "1.0301", "--name", name)
    added = sorted(set(fingerprint(tmp_path)) - set(before))
    problem = None
    if "Traceback" in result.stderr or result.returncode != 0:
        problem = f"exit {result.returncode}: {result.stderr}"
    elif len(added) != 1 or not re.fullmatch(r"kb/content/articles/1\.0301[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*\.md", added[0]):
        problem = f"wrote {added}"
    elif len(added[0]) > len("kb/content/articles/1.030107-.md") + 100:
        problem = f"a slug of {len(added[0])} characters"
    elif not result.stdout.isprintable() and any(not line.isprintable() for line in result.stdout.splitlines()):
        problem = f"raw control characters in {result.stdout!r}"
    tally(FAMILY, tried=1, refused=0, inert=int(problem is None), leaked=int(problem is not None))
    assert problem is None, problem


def test_new_says_so_when_the_disk_refuses_a_write(kb: Path, monkeypatch):
    """As root (CI containers) permissions do not stop a write, so the refusal is the operating system's, faked."""
    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))
    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(UserError) as raised:
        new(kb, "flag", "x")
    lines = [str(p) for p in raised.value.problems]
    problem = None if lines == ["rules/flags/x.yaml:1:1: cannot write it (Permission denied); check that the folder "
                                "exists and that you may write to it"] else f"got {lines}"
    counted(problem)


# --- diff --------------------------------------------------------------------------------------------

GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]


def commit(repo: Path, message: str) -> None:
    subprocess.run([*GIT, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-qm", message], cwd=repo, check=True)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A repository whose base commits go wrong in each way: no rules yet, broken rules, a link; HEAD is good."""
    repo = tmp_path_factory.mktemp("history")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "README.md").write_text("before the knowledge base\n")
    commit(repo, "no rules yet")  # HEAD~3
    copy_kb(repo)
    m3 = repo / "rules" / "milestones" / "m3.yaml"
    good = m3.read_text()
    m3.write_text(good.replace("paying_customers >= 5", "paying_custmers >= 5"))
    commit(repo, "broken rules")  # HEAD~2
    m3.write_text(good)
    (repo / "rules" / "milestones" / "secret.yaml").symlink_to("/proc/self/environ")
    commit(repo, "a link")  # HEAD~1
    (repo / "rules" / "milestones" / "secret.yaml").unlink()
    commit(repo, "good")  # HEAD
    return repo


_parser = argparse.ArgumentParser()
_parser.add_argument("--base")
ARGPARSED_DASHES = "".join(_parser.parse_args(["--base=--"]).base)  # '' on Python 3.11, whose argparse drops a '--' value

DIFF_CASES = [
    # (id, base, expected line)
    ("unknown ref", "no-such-ref", f"diff: --base 'no-such-ref' {NOT_A_COMMIT}"),
    ("empty", "", f"diff: --base '' {NOT_A_COMMIT}"),
    # git runs in the repository: a file these options wrote would land there, where the fingerprint sees it
    ("--output= option", "--output=victim.tar", f"diff: --base '--output=victim.tar' {NOT_A_COMMIT}"),
    ("--remote=ext:: option", "--remote=ext::sh -c touch% pwned", f"diff: --base '--remote=ext::sh -c touch% pwned' {NOT_A_COMMIT}"),
    ("-h", "-h", f"diff: --base '-h' {NOT_A_COMMIT}"),
    ("--", "--", f"diff: --base {ARGPARSED_DASHES!r} {NOT_A_COMMIT}"),
    ("a tree, not a commit", "HEAD^{tree}", f"diff: --base 'HEAD^{{tree}}' {NOT_A_COMMIT}"),
    ("a path in a commit", "HEAD:rules", f"diff: --base 'HEAD:rules' {NOT_A_COMMIT}"),
    ("a path", "../../etc/passwd", f"diff: --base '../../etc/passwd' {NOT_A_COMMIT}"),
    ("too far back", "HEAD~99999", f"diff: --base 'HEAD~99999' {NOT_A_COMMIT}"),
    ("line break", "HEAD\n::error::forged", f"diff: --base 'HEAD\\n::error::forged' {NOT_A_COMMIT}"),
    ("terminal escape", "\x1b[2J", f"diff: --base '\\x1b[2J' {NOT_A_COMMIT}"),
    ("5,000 characters", "a" * 5000, f"diff: --base '{'a' * 60}…' {NOT_A_COMMIT}"),
    ("a commit without rules/", "HEAD~3",
     "diff: the commit at --base 'HEAD~3' has no rules/ folder; pass a commit made after the knowledge base was added"),
    ("a commit with a link", "HEAD~1",
     "diff: 'rules/milestones/secret.yaml' at --base 'HEAD~1' is a link; links in rules/, content/ and site_assets/ are never followed"),
    ("a commit whose rules are broken", "HEAD~2",
     "rules/milestones/m3.yaml:5:12: at --base 'HEAD~2': in condition: unknown answer id 'paying_custmers'; "
     "did you mean 'paying_customers'?"),
]


@pytest.mark.parametrize("base, line", [case[1:] for case in DIFF_CASES], ids=[case[0] for case in DIFF_CASES])
def test_diff_refuses_a_base_with_one_line(history: Path, base: str, line: str):
    before = fingerprint(history)
    problem = refusal(run(history, "diff", f"--base={base}"), 1, line)
    if problem is None and fingerprint(history) != before:
        problem = "the base reached git as an option: files changed: " + ", ".join(
            sorted(set(fingerprint(history).items()) ^ set(before.items())))[:300]
    counted(problem)


def test_diff_outside_git_without_git_and_in_a_shallow_clone(history: Path, tmp_path: Path):
    """Where git cannot answer: no repository, no git at all, a clone too shallow to hold the base."""
    plain = copy_kb(tmp_path / "plain")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", history.as_uri(), str(shallow)], check=True)
    no_git = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    assert shutil.which("git", path=no_git["PATH"]) is None
    cases = [
        (run(plain, "diff", "--base", "HEAD"),
         f"diff: '{plain}' is not in a git repository; diff reads the base rules from git: run it in a clone of the "
         "repository (--root DIR points at one)"),
        (run(history, "diff", "--base", "HEAD", env=no_git),
         "diff: git is not installed, or not on PATH; diff reads the base rules from git: run it in a clone of the "
         "repository (--root DIR points at one)"),
        (run(shallow, "diff", "--base", "HEAD~1"),
         "diff: --base 'HEAD~1' is not a commit in this repository; this clone is shallow and may not hold it: fetch it "
         "(git fetch origin main), or clone with its history (fetch-depth: 0 in actions/checkout)"),
        (run(tmp_path / "missing", "diff", "--base", "HEAD"),
         f"rules:1:1: no rules/ directory here; run from the knowledge base's root (looked in {tmp_path / 'missing'})"),
    ]
    problems = [refusal(result, 1, line) for result, line in cases]
    tally(FAMILY, tried=len(cases), refused=problems.count(None), inert=0, leaked=len(cases) - problems.count(None))
    assert problems == [None] * len(cases), problems


# --- serve: the command line ---------------------------------------------------------------------------

SERVE_CASES = [
    # (id, root ("kb": a knowledge base with mkdocs.yml; "empty"; "missing"), options, exit code, expected last line)
    ("port above 65535", "kb", ["--port", "70000"], 1, "serve: --port 70000 is not a port number (0-65535)"),
    ("negative port", "kb", ["--port=-1"], 1, "serve: --port -1 is not a port number (0-65535)"),
    ("a 30-digit port", "kb", ["--port", "9" * 30], 1, f"serve: --port {'9' * 30} is not a port number (0-65535)"),
    ("host that does not resolve", "kb", ["--port", "0", "--host", "nosuch.invalid"], 1,
     f"serve: --host 'nosuch.invalid' {NOT_HERE} (Name or service not known); {ELSEWHERE}"),
    ("host of another machine", "kb", ["--port", "0", "--host", "192.0.2.1"], 1,
     f"serve: --host '192.0.2.1' {NOT_HERE} (Cannot assign requested address); {ELSEWHERE}"),
    ("host with a terminal escape", "kb", ["--port", "0", "--host", "a\x1b[31m"], 1,
     f"serve: --host 'a\\x1b[31m' {NOT_HERE} (Name or service not known); {ELSEWHERE}"),
    ("host with a line break", "kb", ["--port", "0", "--host", "a\nserving http://evil.example/"], 1,
     f"serve: --host 'a\\nserving http://evil.example/' {NOT_HERE} (Name or service not known); {ELSEWHERE}"),
    ("host of 300 characters", "kb", ["--port", "0", "--host", "a" * 300], 1,
     f"serve: --host '{'a' * 60}…' {NOT_HERE} (not a host name); {ELSEWHERE}"),
    ("host with an empty label", "kb", ["--port", "0", "--host", "a..b"], 1, f"serve: --host 'a..b' {NOT_HERE} (not a host name); {ELSEWHERE}"),
    ("root without mkdocs.yml", "empty", ["--port", "0"], 1,
     "mkdocs.yml:1:1: no mkdocs.yml or rules/ in the knowledge base's root; run from the knowledge base's root, or pass --root DIR "
     "(looked in {root})"),
    ("missing root", "missing", ["--port", "0"], 1,
     "mkdocs.yml:1:1: no mkdocs.yml or rules/ in the knowledge base's root; run from the knowledge base's root, or pass --root DIR "
     "(looked in {root})"),
]


@pytest.mark.parametrize("root, options, code, line", [case[1:] for case in SERVE_CASES], ids=[case[0] for case in SERVE_CASES])
def test_serve_refuses_options_with_one_line(tmp_path: Path, root: str, options: list[str], code: int, line: str):
    target = tmp_path / root
    if root == "kb":
        target.mkdir()
        (target / "mkdocs.yml").write_text("site_name: x\n")
    elif root == "empty":
        target.mkdir()
    problem = refusal(run_process(target, "serve", *options), code, line.format(root=target))
    if problem is None and (target / "site").exists():
        problem = "it built before refusing"
    counted(problem)


def test_serve_says_a_privileged_port_needs_an_administrator(tmp_path: Path, monkeypatch):
    """Binding below 1024 is refused to other users; the test may run as root, so the refusal is faked."""
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(preview, "make_server", refuse)
    with pytest.raises(UserError) as raised:
        preview.serve(tmp_path, "127.0.0.1", 80)
    lines = [str(p) for p in raised.value.problems]
    expected = ["serve: port 80 is privileged (below 1024): only an administrator may listen on it; "
                "choose 1024 or above: --port 8000 (make serve PORT=8000)"]
    counted(None if lines == expected else f"got {lines}")


# --- serve: what a client sends --------------------------------------------------------------------------

REQUESTS = [
    # (id, raw bytes, expected status)
    ("NUL in the path", b"GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ("encoded NUL", b"GET /a%00b HTTP/1.1\r\n\r\n", 400),
    ("encoded NUL alone", b"GET /%00 HTTP/1.1\r\n\r\n", 400),
    ("NUL in an absolute URL", b"GET http://x/\x00 HTTP/1.1\r\n\r\n", 400),
    ("NUL in a HEAD", b"HEAD /\x00 HTTP/1.1\r\n\r\n", 400),
    ("terminal escape in the path", b"GET /\x1b[2J HTTP/1.1\r\n\r\n", 400),
    ("encoded line break", b"GET /a%0Aforged HTTP/1.1\r\n\r\n", 400),
    ("encoded DEL", b"GET /%7f HTTP/1.1\r\n\r\n", 400),
    ("lone surrogate", b"GET /%ed%a0%80 HTTP/1.1\r\n\r\n", 400),
    ("binary garbage", b"\x00\x01\x02\xff\r\n\r\n", 400),
    ("no version", b"GET\r\n\r\n", 400),
    ("a request line of 70,000 bytes", b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
    ("a header of 70,000 bytes", b"GET / HTTP/1.1\r\nX: " + b"a" * 70000 + b"\r\n\r\n", 431),
    ("200 headers", b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n", 431),
    ("unknown method", b"BREW\x1b[31m / HTTP/1.1\r\n\r\n", 501),
    ("unknown version", b"GET / HTTP/9.9\r\n\r\n", 505),
]


def exchange(address, raw: bytes) -> bytes:
    with socket.create_connection(address, timeout=10) as client:
        client.sendall(raw)
        client.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    return answer


def status(answer: bytes) -> int | None:
    """The status of a response; a request read as HTTP/0.9 gets the error page alone, which names its code."""
    first = answer.split(b"\r\n", 1)[0]
    if first.startswith(b"HTTP/"):
        return int(first.split()[1])
    found = answer.split(b"Error code: ", 1)
    return int(found[1][:3]) if len(found) == 2 else None


@pytest.mark.parametrize("raw, code", [case[1:] for case in REQUESTS], ids=[case[0] for case in REQUESTS])
def test_serve_answers_a_hostile_request_with_an_error_and_one_log_line(tmp_path: Path, capfd, raw: bytes, code: int):
    (tmp_path / "index.html").write_text("home")
    server = preview.make_server(tmp_path)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        answer = exchange(server.server_address, raw)
        home = exchange(server.server_address, b"GET / HTTP/1.0\r\n\r\n")
    finally:
        server.shutdown()
        server.server_close()
    log = capfd.readouterr().err
    lines = log.splitlines()
    problem = None
    if "Traceback" in log or "Exception occurred" in log:
        problem = "a traceback in the log:\n" + log
    elif status(answer) != code:
        problem = f"answered {answer[:80]!r}, not {code}"
    elif len(lines) != 1 or not lines[0].startswith("serve: refused a request from 127.0.0.1: ") or not lines[0].isprintable():
        problem = f"the log is not one escaped line: {log[:300]!r}"
    elif len(lines[0]) > 401:
        problem = f"the log line is {len(lines[0])} characters long"
    elif not home.endswith(b"home"):
        problem = "the server stopped serving"
    counted(problem)


def handlers_done(seconds: float = 30) -> bool:
    """Wait until no request-handling thread is left (socketserver names them after process_request_thread)."""
    deadline = time.monotonic() + seconds
    while any("process_request_thread" in t.name for t in threading.enumerate()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_client_that_leaves_mid_answer_is_no_error(tmp_path: Path, capfd):
    """A browser that cancels a download (the 9.6 MB wasm, on navigation) is not worth a log line, let alone a traceback."""
    (tmp_path / "big.bin").write_bytes(b"x" * 20_000_000)
    server = preview.make_server(tmp_path)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        with socket.create_connection(server.server_address, timeout=10) as client:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
            client.sendall(b"GET /big.bin HTTP/1.1\r\n\r\n")
            assert client.recv(1024).startswith(b"HTTP/1.0 200")
        assert handlers_done(), "the handler thread finished (with whatever it logs)"
        assert exchange(server.server_address, b"GET /big.bin HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200")
    finally:
        server.shutdown()
        server.server_close()
    log = capfd.readouterr().err
    counted(None if log == "" else f"logged {log[:300]!r}")
