"""Nothing runs for minutes without saying so: while a page is being read, a timer in the
process reading it (SIGALRM) names the page after SLOW_PAGE_SECONDS, and again after each
such while. A build run outside the main thread (the devserver's rebuilds) can set no
timer; its pages are read unwatched."""

from __future__ import annotations

import contextlib
import signal
import threading
import time

from . import limits, report


@contextlib.contextmanager
def watched(path: str, seconds: float | None = None):
    """While the block runs, an `info:` line about `path` every `seconds`
    (SLOW_PAGE_SECONDS by default)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    every = seconds or limits.SLOW_PAGE_SECONDS
    started = time.monotonic()

    def tell(signum, frame) -> None:
        report.logger.info(  # now, not in the build's report, which is said when it ends
            "%s: still being read after %.0f s; a page this long or this deeply nested takes a "
            "while (the manual's Safety and limits page lists the limits)",
            report.display_path(path),
            time.monotonic() - started,
        )

    previous = signal.signal(signal.SIGALRM, tell)
    signal.setitimer(signal.ITIMER_REAL, every, every)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
