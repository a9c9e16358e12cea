"""guide_parallel: spread pure per-item work over the machine's cores, order kept.

Pelican builds in one process; the machine has more cores. `forked_map` forks
worker processes that inherit the parent's memory (no pickling of the inputs),
each maps one contiguous slice, and the parent maps the first slice itself. Only
the results travel back, pickled. Where fork is not available, or the work is
too small to pay for a fork (about 10 ms), everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items per worker, forking costs more than it saves.
MIN_ITEMS_PER_WORKER = 16


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class WorkerError(RuntimeError):
    """A worker process failed; the message is the worker's exception, on one line."""


def _run_slice(func, items, connection) -> None:
    try:
        payload = ("ok", [func(item) for item in items])
    except BaseException as error:  # reported to the parent, which raises it there
        payload = ("error", f"{type(error).__name__}: {error}")
    try:
        connection.send_bytes(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        connection.close()


def forked_map(func: Callable[[Item], Result], items: Sequence[Item], workers: int | None = None) -> list[Result]:
    """[func(item) for item in items], computed by up to `workers` processes."""
    workers = default_workers() if workers is None else workers
    workers = min(workers, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    context = multiprocessing.get_context("fork")
    size = -(-len(items) // workers)
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    children = []
    for part in slices[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_run_slice, args=(func, part, sender), daemon=True)
        process.start()
        sender.close()
        children.append((process, receiver))
    results = [func(item) for item in slices[0]]
    for process, receiver in children:
        try:
            status, payload = pickle.loads(receiver.recv_bytes())
        except EOFError:
            status, payload = "error", f"worker process ended with exit code {process.exitcode}"
        process.join()
        if status != "ok":
            raise WorkerError(payload)
        results.extend(payload)
    return results
