"""How the build starts worker processes for work that is independent item by item (pages, article bodies)."""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores the build may keep busy: ``KB_JOBS`` when it is a whole number from 1 up (a machine, or a test run,
    whose cores already have other work says so, as make's ``-j`` does), else the CPUs this process may run on."""
    asked = os.environ.get("KB_JOBS", "")
    if re.fullmatch(r"[0-9]{1,4}", asked) and int(asked) > 0:
        return int(asked)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity on this platform (macOS, Windows)
        return os.cpu_count() or 1


def start_method() -> multiprocessing.context.BaseContext:
    """Fork a single-threaded process (a build: nothing imported again, the main module is not re-run); a process
    with threads running (the live preview: server, watchers) starts its workers from a clean forkserver."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def forked_map(fn: Callable[[T], R], items: list[T], least: int, chunk: int) -> list[R] | None:
    """``fn`` over ``items`` in forked worker processes, which inherit what this process holds (what ``fn`` reads from
    module globals); None below ``least`` items, on one core, or in a process that does not fork (threads running):
    the caller then does the work alone."""
    workers = min(cores(), 8)
    context = start_method()
    if len(items) < least or workers < 2 or context.get_start_method() != "fork":
        return None
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(fn, items, chunksize=chunk))
