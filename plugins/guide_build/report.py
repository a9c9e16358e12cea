"""One line per problem: a logging handler that keeps Pelican's messages short and counts errors."""

from __future__ import annotations

import logging
import sys
import traceback

from jinja2 import TemplateError, TemplateSyntaxError


class OneLineHandler(logging.StreamHandler):
    """Prints `level: message` on one line, and remembers how many errors were printed."""

    def __init__(self, stream=None):
        super().__init__(stream or sys.stderr)
        self.errors = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors += 1
        super().emit(record)

    def format(self, record: logging.LogRecord) -> str:
        message = " ".join(record.getMessage().split())
        level = "error" if record.levelno >= logging.ERROR else record.levelname.lower()
        return f"{level}: {message}"


def describe(error: BaseException, settings_file: str | None = None) -> str:
    """An exception as one line a person can act on."""
    if isinstance(error, TemplateSyntaxError):
        where = f"{error.filename or error.name}:{error.lineno}"
        return f"{where}: template syntax error: {error.message}"
    if isinstance(error, TemplateError):
        where = _template_frame(error)
        prefix = f"{where}: " if where else ""
        return f"{prefix}theme template error: {type(error).__name__}: {' '.join(str(error).split())}"
    if isinstance(error, SyntaxError) and error.filename:
        return f"{error.filename}:{error.lineno}: {error.msg}"
    message = " ".join(str(error).split()) or type(error).__name__
    if getattr(error, "setting_problem", False) and settings_file:
        return f"{settings_file}: {message}"
    if type(error).__module__.startswith("guide_"):
        return message  # the plugins' own errors are already written for a person
    return f"{type(error).__name__}: {message}"


def _template_frame(error: BaseException) -> str | None:
    """`file:line` of the innermost template frame; Jinja2 puts templates in the traceback."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith((".html", ".j2", ".jinja"))
    ]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else None
