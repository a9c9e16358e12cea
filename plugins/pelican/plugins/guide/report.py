"""What a build reports: one line per problem, counted, so the build can stop on errors
and, in strict mode, on warnings. Every line names the source file the author edits."""

from __future__ import annotations

import functools
import logging
import os

from .errors import GuideError

logger = logging.getLogger("pelican.plugins.guide")
# Each link sent to the complete guide, one line each: shown with -v (Pelican's verbose).
links_logger = logging.getLogger("pelican.plugins.guide.links")


@functools.lru_cache(maxsize=4096)
def display_path(path: str) -> str:
    """A path as the author typed it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


PAGE = "guide_page"  # a log record's attribute: the page source (as shown) the line is about
TRANSIENT = "guide_transient"  # a log record's attribute: about this build alone (a damaged cache)


class Report(logging.Handler):
    """Counts the warnings and errors any logger prints during one build (Pelican's too),
    and keeps each line with the page it is about, if any (a quick build, quick.py, says
    again what the last build said of the pages it does not read)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.errors = 0
        self.warnings = 0
        self.sent_to_full_guide = 0  # links to pages of the complete guide (info lines)
        self.lines: list[tuple[int, str, str | None]] = []  # (level, line, the page's source as shown)

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors += 1
        else:
            self.warnings += 1
        if not getattr(record, TRANSIENT, False):
            self.lines.append((record.levelno, record.getMessage(), getattr(record, PAGE, None)))

    def attach(self) -> None:
        logging.getLogger().addHandler(self)

    def detach(self) -> None:
        logging.getLogger().removeHandler(self)


class OneLineErrors(logging.Filter):
    """Plain `pelican` logs the exception that stopped a build with its traceback. A
    GuideError's message is already the one line to show, so only the traceback goes;
    with -D (debug) it stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, GuideError) and not logging.getLogger("pelican").isEnabledFor(logging.DEBUG):
            record.exc_info = record.exc_text = None
            record.msg, record.args = "%s", (" ".join(str(error).split()),)
            record.levelno, record.levelname = logging.ERROR, "ERROR"
        return True


def one_line_errors() -> None:
    """On the `pelican` logger, where Pelican's command line logs what stopped a build."""
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(existing, OneLineErrors) for existing in pelican_logger.filters):
        pelican_logger.addFilter(OneLineErrors())


def _log(level: int, source: str, message: str, page: bool) -> None:
    shown = display_path(source)
    logger.log(level, "%s: %s", shown, message, extra={PAGE: shown} if page else None)


def error(source: str, message: str, page: bool = False) -> None:
    """An error about `source`; `page` when it comes from reading or settling that page
    alone (not from comparing pages)."""
    _log(logging.ERROR, source, message, page)


def warning(source: str, message: str, page: bool = False) -> None:
    _log(logging.WARNING, source, message, page)


def info(source: str, message: str, page: bool = False) -> None:
    _log(logging.INFO, source, message, page)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
