"""Pure per-item work on every core, in forked processes that die with the build.

`forked_map` keeps the order of its items. The parent maps the first share itself and a
`ProcessPoolExecutor` (fork context) maps the rest: forked workers inherit the parent's
memory, so the function and what it reads are never pickled; only items and results are.
Each worker asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), so a
build killed with SIGKILL leaves no process behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

# Below this many items per process a fork (about 10 ms) costs more than it saves.
MIN_ITEMS_PER_PROCESS = 16
_PR_SET_PDEATHSIG = 1

_task: Callable | None = None  # the function of the map under way, inherited by fork


def die_with_parent(parent: int = 0) -> None:
    """Ask Linux to SIGKILL this process when the process that forked it ends."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: the pool still ends its workers when the parent exits normally
    if parent and os.getppid() != parent:
        os._exit(1)  # the parent died before prctl took effect


def _trim() -> None:
    """Give the memory Python has freed back to the system before forking (glibc keeps it
    otherwise), so the children inherit only what is in use."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _run_share(share: Sequence) -> list:
    return [_task(item) for item in share]


def shares_by_weight(items: Sequence, workers: int, weight: Callable | None) -> list[list[int]]:
    """Item indices dealt into `workers` shares of about equal weight: the heaviest item
    first, each to the lightest share so far."""
    order = (
        sorted(range(len(items)), key=lambda index: -weight(items[index])) if weight else range(len(items))
    )
    shares: list[list[int]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for index in order:
        lightest = loads.index(min(loads))
        shares[lightest].append(index)
        loads[lightest] += weight(items[index]) if weight else 1
    return shares


def forked_map(func: Callable, items: Sequence, workers: int, weight: Callable | None = None) -> list:
    """[func(item) for item in items] on up to `workers` processes, this one included.
    `weight(item)` (a file's size, say) balances the processes' shares."""
    global _task
    workers = min(workers, len(items) // MIN_ITEMS_PER_PROCESS)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    indices = shares_by_weight(items, workers, weight)
    shares = [[items[index] for index in share] for share in indices]
    _task = func
    # Objects the garbage collector never touches again are not copied page by page
    # into each child when its collector would have written to them.
    frozen_before = gc.get_freeze_count()  # the devserver keeps its guide frozen between saves
    gc.collect()
    gc.freeze()
    _trim()
    try:
        with ProcessPoolExecutor(
            max_workers=len(shares) - 1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            futures = [pool.submit(_run_share, share) for share in shares[1:]]
            results = [None] * len(items)
            for share, values in zip(
                indices, [_run_share(shares[0]), *(future.result() for future in futures)], strict=False
            ):
                for index, value in zip(share, values, strict=False):
                    results[index] = value
    finally:
        _task = None
        if not frozen_before:
            gc.unfreeze()
    return results
