"""The command line run in this process: what ``python -m generator ARGS`` prints and returns, without a new interpreter.

For tests about what a command says and does. A test about the process itself (the exit status a shell sees, a
missing venv, ``--help`` naming the command as invoked, signals, serve's process) runs the real one.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
from pathlib import Path

from generator.cli import main

PROG = "python -m generator"  # generator/__main__.py's name for itself


def run_cli(*args: str, input: str | bytes = "", cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess:
    """``python -m generator *args`` (stdin: ``input``; in ``cwd``; with ``env`` for os.environ), as
    subprocess.run(..., capture_output=True, text=True) returns it: the status __main__ would exit with, and what went
    to stdout and stderr, an uncaught exception's traceback included (as the interpreter prints it, status 1)."""
    out, err = io.StringIO(), io.StringIO()
    stdin, here, environ = sys.stdin, Path.cwd(), dict(os.environ)
    try:
        data = input.encode("utf-8") if isinstance(input, str) else input
        sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")  # with .buffer, as a pipe
        if cwd is not None:
            os.chdir(cwd)
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args), prog=PROG)
            except SystemExit as exit_:  # argparse's usage errors and --help/--version exit; sys.exit(main()) would too
                code = _status(exit_.code, err)
            except Exception:  # noqa: BLE001 - what the interpreter does with it
                traceback.print_exc(file=err)
                code = 1
    finally:
        sys.stdin = stdin
        os.chdir(here)
        if env is not None:
            os.environ.clear()
            os.environ.update(environ)
    return subprocess.CompletedProcess([PROG, *args], code, out.getvalue(), err.getvalue())


def _status(code: object, err: io.StringIO) -> int:
    """The status a process exits with for ``sys.exit(code)``: a message is printed to stderr and exits 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)
    return 1
