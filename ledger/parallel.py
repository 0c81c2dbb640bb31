"""Map a function over many items on worker processes that inherit the items by fork.

Wrapping, writing and checking certificates is CPU-bound Python, one item independent of the
next. Forked workers inherit the inputs (nothing is pickled on the way in); only results
travel back, so they should be small. Small inputs run in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 400  # below this, starting workers costs more than it saves

# The function and items of the current fork_map, set in the parent just before forking.
_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None, "fork_map sets the job before the workers fork"
    fn, items = _JOB
    return [fn(items[i]) for i in range(*bounds)]


def worker_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_map(fn: Callable[[T], R], items: Sequence[T], *, workers: int | None = None) -> list[R]:
    """[fn(item) for item in items], split over forked workers when it pays off.

    An exception raised by `fn` in a worker is raised here (it must pickle).
    """
    workers = workers or worker_count()
    if workers <= 1 or len(items) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item) for item in items]
    global _JOB
    _JOB = (fn, items)
    try:
        step = -(-len(items) // (workers * 4))
        ranges = [(start, min(start + step, len(items))) for start in range(0, len(items), step)]
        gc.freeze()  # keep the workers' garbage collector off the shared, copy-on-write heap
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_run_range, ranges, chunksize=1)
        finally:
            gc.unfreeze()
    finally:
        _JOB = None
    return [result for part in parts for result in part]
