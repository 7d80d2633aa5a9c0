"""Spreading independent work over the machine's cores, with results in a stable order.

Worker processes are forked, so they share the parent's state (configuration, the site
plan, compiled templates) without pickling it; only each task's small result comes back.
Where `fork` is missing (Windows, and macOS by policy), or for small jobs, the work runs in
this process: the results are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, starting processes costs more than it saves.
MIN_PARALLEL_ITEMS = 64

_shared: Any = None


def worker_count() -> int:
    configured = os.environ.get("BRIEF_WORKERS")
    if configured and configured.isdigit():
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _call(task: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    function, item = task
    return function(_shared, item)


def map_shared(
    function: Callable[[Any, T], R],
    shared: Any,
    items: Sequence[T],
    chunksize: int = 16,
) -> Iterator[R]:
    """`function(shared, item)` for every item, results in the order of `items`.

    `shared` reaches forked workers by inheritance, never by pickling; `function` and the
    items and results must be picklable.
    """
    global _shared
    workers = min(worker_count(), len(items) // 8 or 1)
    if workers < 2 or len(items) < MIN_PARALLEL_ITEMS or not _can_fork():
        for item in items:
            yield function(shared, item)
        return
    _shared = shared
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            yield from pool.imap(_call, [(function, item) for item in items], chunksize=chunksize)
    finally:
        _shared = None
