"""What a build reports: one line per problem, counted, so the build can stop on errors and,
in strict mode, on warnings. Every line names the source file the author edits.

The guide's own lines (each step's problems, the links sent to the complete guide) are
gathered while the build runs and said in one order, by file and line, when it ends or
stops: whatever path a build takes through its caches, the same sources give the same
lines in the same order. Lines of Pelican's and of other plugins are said as they come,
and counted all the same.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import NamedTuple

from .errors import GuideError

logger = logging.getLogger("pelican.plugins.guide")
# Each link sent to the complete guide, one line each: shown with -v (Pelican's verbose).
links_logger = logging.getLogger("pelican.plugins.guide.links")
# The guide's problems on their way to the build's Report, which says them in order.
_gathered = logging.getLogger("pelican.plugins.guide.gathered")
_gathered.propagate = False
_gathered.setLevel(logging.DEBUG)  # every line is counted; the logger that says it decides if it shows
for _own in (logger, links_logger, _gathered):
    # Pelican's loggers drop a line said once before in the process (its LimitFilter); the
    # Report says each of the guide's lines once per build itself.
    if hasattr(_own, "disable_filter"):
        _own.disable_filter()

TRANSIENT = "guide_transient"  # a log record's attribute: about this build alone (a damaged cache)
_SAID = "guide_said"  # a log record's attribute: a gathered line said by the Report, counted already
_WHERE = "guide_where"  # a log record's attribute: (source as shown, line) a gathered line sorts by
_ON = "guide_on"  # a log record's attribute: the logger that says a gathered line


@functools.lru_cache(maxsize=4096)
def display_path(path: str) -> str:
    """A path as the author typed it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


class Line(NamedTuple):
    where: tuple[str, int]  # (the file as shown, its line or 0): the order lines are said in
    logger: str
    level: int
    text: str


class Report(logging.Handler):
    """One build's lines: counts the warnings and errors any logger prints while it runs
    (Pelican's too), and gathers the guide's own to say them in order (`say`)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.errors = 0
        self.warnings = 0
        self.sent_to_full_guide = 0  # links to pages of the complete guide (info lines)
        self.lines: list[Line] = []
        self.said: set[tuple[int, str]] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, _SAID, False):
            return
        where = getattr(record, _WHERE, None)
        if where is not None:
            self.add(Line(where, getattr(record, _ON, logger.name), record.levelno, record.getMessage()))
        else:
            self.count(record.levelno)

    def add(self, line: Line) -> None:
        """A line of the guide's, said later in its place; the same line twice is said once."""
        if (line.level, line.text) in self.said:
            return
        self.said.add((line.level, line.text))
        self.lines.append(line)
        self.count(line.level)

    def count(self, level: int) -> None:
        if level >= logging.ERROR:
            self.errors += 1
        elif level >= logging.WARNING:
            self.warnings += 1

    def say(self) -> None:
        """The gathered lines, by file and line (a file's own lines in the order the steps
        found them), each once."""
        lines, self.lines = sorted(self.lines, key=lambda line: line.where), []
        for line in lines:
            logging.getLogger(line.logger).log(line.level, "%s", line.text, extra={_SAID: True})

    def attach(self) -> None:
        logging.getLogger().addHandler(self)
        _gathered.addHandler(self)

    def detach(self) -> None:
        self.say()
        logging.getLogger().removeHandler(self)
        _gathered.removeHandler(self)


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


def gather(level: int, source: str | None, message: str, line: int = 0, on=logger) -> None:
    """A line about `source` (a file, or None for the build as a whole), said when the
    build ends or stops, in order; `on` is the logger that says it (its level decides)."""
    shown = display_path(source) if source else ""
    say(level, f"{shown}: {message}" if source else message, shown, line, on)


def say(level: int, text: str, about: str = "", line: int = 0, on=logger) -> None:
    """`text` as it is, said in its place among the lines about the file `about` (as shown)."""
    report = next((handler for handler in _gathered.handlers if isinstance(handler, Report)), None)
    if report is not None:  # the build's report, straight: a guide may send a thousand lines
        report.add(Line((about, line), on.name, level, text))
    else:  # outside a build, as it comes
        _gathered.log(level, "%s", text, extra={_WHERE: (about, line), _ON: on.name})


def error(source: str | None, message: str, line: int = 0) -> None:
    gather(logging.ERROR, source, message, line)


def warning(source: str | None, message: str, line: int = 0) -> None:
    gather(logging.WARNING, source, message, line)


def info(source: str | None, message: str, line: int = 0) -> None:
    gather(logging.INFO, source, message, line)


def sent(source: str, message: str) -> None:
    """A link sent to the complete guide: one line with -v (links_logger)."""
    gather(logging.INFO, source, message, on=links_logger)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
