"""Map a function over many items on worker processes that inherit the items by fork; stop a
child process and everything it started.

Wrapping, writing and checking certificates is CPU-bound Python, one item independent of the
next. Forked workers inherit the inputs (nothing is pickled on the way in); only results
travel back, so they should be small. Small inputs run in this process.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 400  # below this, starting workers costs more than it saves


class _Job:
    """The function and items of one fork_map, held by each worker process.

    The pool's initializer receives it by fork (its arguments are inherited, not pickled) and
    keeps it on the class: only in the worker processes, which exist for this job alone.
    """

    current: tuple[Callable[[Any], Any], Sequence[Any]] | None = None

    @classmethod
    def adopt(cls, fn: Callable[[Any], Any], items: Sequence[Any], parent_pid: int) -> None:
        die_with_parent(parent_pid)
        cls.current = (fn, items)

    @classmethod
    def run_range(cls, bounds: tuple[int, int]) -> list[Any]:
        if cls.current is None:
            raise RuntimeError("fork_map worker started without its job")
        fn, items = cls.current
        return [fn(items[i]) for i in range(*bounds)]


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """In a worker: be killed when the parent dies, even by SIGKILL, so no worker outlives it.

    Linux's prctl(PR_SET_PDEATHSIG); elsewhere workers are daemonic and end with a parent that
    exits normally. `parent_pid` closes the race of a parent that died before the call.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)


def stop_process_group(process: subprocess.Popen[bytes], *, grace_seconds: float = 20.0) -> None:
    """Stop a child started with `start_new_session=True` and everything it started: SIGTERM to
    its process group, SIGKILL to the group if it has not ended after `grace_seconds`; reaped."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def worker_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_map(fn: Callable[[T], R], items: Sequence[T], *, workers: int | None = None) -> list[R]:
    """[fn(item) for item in items], split over forked workers when it pays off.

    An exception raised by `fn` in a worker is raised here (it must pickle).
    """
    workers = workers or worker_count()
    if workers <= 1 or len(items) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item) for item in items]
    step = -(-len(items) // (workers * 4))
    ranges = [(start, min(start + step, len(items))) for start in range(0, len(items), step)]
    gc.freeze()  # keep the workers' garbage collector off the shared, copy-on-write heap
    try:
        with ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_Job.adopt,
            initargs=(fn, items, os.getpid()),
        ) as pool:
            parts = list(pool.map(_Job.run_range, ranges))
    finally:
        gc.unfreeze()
    return [result for part in parts for result in part]
