"""guide_parallel: spread pure per-item work over the machine's cores, order kept.

Pelican builds in one process; the machine has more cores. `forked_map` forks
worker processes that inherit the parent's memory (no pickling of the inputs),
each maps one contiguous slice, and the parent maps the first slice itself. Only
the results travel back, pickled. Where fork is not available, or the work is
too small to pay for a fork (about 10 ms), everything runs in this process.
"""

from __future__ import annotations

import gc
import io
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


class _SharedPickler(pickle.Pickler):
    """Objects both processes hold (forked copies) travel as their index in `shared`."""

    def __init__(self, file, shared):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._shared = {id(obj): index for index, obj in enumerate(shared)}

    def persistent_id(self, obj):
        return self._shared.get(id(obj))


class _SharedUnpickler(pickle.Unpickler):
    def __init__(self, file, shared):
        super().__init__(file)
        self._shared = shared

    def persistent_load(self, index):
        return self._shared[index]


def freeze_heap() -> None:
    """Before a fork: the garbage collector of either process would otherwise write to
    every object's header on its next full pass, and each page it writes to is copied."""
    gc.collect()
    gc.freeze()


def _run_slice(func, items, connection, shared) -> None:
    try:
        payload = ("ok", [func(item) for item in items])
    except BaseException as error:  # reported to the parent, which raises it there
        payload = ("error", f"{type(error).__name__}: {error}")
    buffer = io.BytesIO()
    try:
        _SharedPickler(buffer, shared).dump(payload)
    except Exception as error:
        buffer = io.BytesIO()
        _SharedPickler(buffer, ()).dump(("error", f"result cannot be sent back: {error}"))
    try:
        connection.send_bytes(buffer.getvalue())
    finally:
        connection.close()
        os._exit(0)  # no atexit handlers or flushes of the parent's buffers in the copy


def forked_map(
    func: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int | None = None,
    shared: Sequence[object] = (),
) -> list[Result]:
    """[func(item) for item in items], computed by up to `workers` processes.

    Objects in `shared` that a result refers to (the build's settings, say) are not
    copied back: the parent's own object takes their place.
    """
    workers = default_workers() if workers is None else workers
    workers = min(workers, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    context = multiprocessing.get_context("fork")
    freeze_heap()
    size = -(-len(items) // workers)
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    children = []
    for part in slices[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_run_slice, args=(func, part, sender, shared), daemon=True)
        process.start()
        sender.close()
        children.append((process, receiver))
    results = [func(item) for item in slices[0]]
    for process, receiver in children:
        try:
            data = receiver.recv_bytes()
            status, payload = _SharedUnpickler(io.BytesIO(data), shared).load()
        except EOFError:
            status, payload = "error", f"worker process ended with exit code {process.exitcode}"
        process.join()
        if status != "ok":
            raise WorkerError(payload)
        results.extend(payload)
    gc.unfreeze()
    return results
