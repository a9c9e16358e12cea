"""`guide-build`: Pelican into a staging folder, swapped in only when every check passed.

    guide-build content -o output -s pelicanconf.py [--strict] [--no-wait] [pelican options]

(`guide-build --help` lists the options: cli.py.)

What it adds to `pelican`: the output folder is only ever a folder the build made
(outputdir.py), one build at a time per output folder, the new site appears in one
rename or not at all, and every problem is one line, never a traceback (`-D` shows it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import sysconfig
import tempfile
import traceback

from jinja2 import TemplateError, TemplateSyntaxError

from .cli import build_parser, parse
from .cli import pelican_argv as cli_pelican_argv
from .errors import GuideError, GuideSettingsError
from .files import PREVIOUS_SITE
from .report import links_logger
from .run import SETTINGS_FILE
from .sitesettings import PLUGINS_AS_WRITTEN, apply, asked_for

LOGGER = "pelican.plugins.guide"


class OneLineHandler(logging.StreamHandler):
    """`level: message` on one line; tracebacks only when debugging."""

    def __init__(self, debug: bool):
        super().__init__(sys.stderr)
        self.debug = debug

    def format(self, record: logging.LogRecord) -> str:
        level = "error" if record.levelno >= logging.ERROR else record.levelname.lower()
        line = f"{level}: {' '.join(record.getMessage().split())}"
        if self.debug and record.exc_info:
            line += "\n" + "".join(traceback.format_exception(*record.exc_info))
        return line


def describe(error: BaseException, settings_file: str | None = None) -> str:
    """An exception as one line a person can act on; a wrong setting names the file."""
    if isinstance(error, GuideSettingsError) and settings_file:
        return f"{settings_file}: {error}"
    if isinstance(error, TemplateSyntaxError):
        return f"{error.filename or error.name}:{error.lineno}: template syntax error: {error.message}"
    if isinstance(error, TemplateError):
        frames = [
            f
            for f in traceback.extract_tb(error.__traceback__)
            if f.filename.endswith((".html", ".j2", ".jinja"))
        ]
        where = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
        return f"{where}template error: {type(error).__name__}: {' '.join(str(error).split())}"
    if isinstance(error, SyntaxError) and error.filename:
        return f"{error.filename}:{error.lineno}: {error.msg}"
    message = " ".join(str(error).split()) or type(error).__name__
    return message if isinstance(error, GuideError) else f"{type(error).__name__}: {message}"


def in_settings(error: BaseException, settings_file: str | None) -> str:
    """An exception raised while the settings file ran, as one line naming the file and
    the line (of it, or of a file it imports) where it was raised."""
    if isinstance(error, (GuideError, SyntaxError)) or not settings_file:
        return describe(error, settings_file)
    # Frames of Python's libraries and of this plugin are not where the site's file went wrong.
    library = {sysconfig.get_paths()[name] for name in ("stdlib", "purelib", "platlib")}
    library.add(os.path.dirname(os.path.abspath(__file__)))
    own = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not any(frame.filename.startswith(folder + os.sep) for folder in library)
        and not frame.filename.startswith("<")
    ]
    where = f"{own[-1].filename}:{own[-1].lineno}" if own else settings_file
    return f"{where}: {describe(error)}"


def settings_file_of(argv: list[str]) -> str | None:
    """The settings file `pelican` would read: `-s FILE`, or pelicanconf.py here."""
    for flag in ("-s", "--settings"):
        if flag in argv[:-1]:
            return argv[argv.index(flag) + 1]
    return "pelicanconf.py" if os.path.isfile("pelicanconf.py") else None


@contextlib.contextmanager
def read_afresh():
    """Settings files run from their source on every read. Python would otherwise take a
    compiled copy from __pycache__ whose source had the same size and modification second
    (two saves within a second), and keep a settings module another imports (publishconf's
    `from pelicanconf import *`) from an earlier read in the same process (the devserver).
    Nothing is written beside them either."""
    before = set(sys.modules)
    saved = sys.dont_write_bytecode, sys.pycache_prefix
    with tempfile.TemporaryDirectory(prefix="guide-settings-") as nowhere:
        sys.dont_write_bytecode, sys.pycache_prefix = True, nowhere
        try:
            yield
        finally:
            sys.dont_write_bytecode, sys.pycache_prefix = saved
            libraries = tuple(os.path.join(folder, "") for folder in {sys.prefix, sys.base_prefix})
            for name in set(sys.modules) - before:
                path = getattr(sys.modules[name], "__file__", None) or ""
                if "." not in name and path.endswith(".py") and not path.startswith(libraries):
                    del sys.modules[name]  # a settings file of the site's: read again next time


def load_settings(argv: list[str], strict: bool = False):
    """Pelican's own arguments and settings file, as `pelican` reads them."""
    from pelican import get_config, parse_arguments
    from pelican.settings import read_settings

    args = parse_arguments(argv)
    if args.path and not os.path.isdir(args.path):
        raise GuideError(f"the content folder {args.path} does not exist")
    settings_file = args.settings or ("pelicanconf.py" if os.path.isfile("pelicanconf.py") else None)
    if settings_file and not os.path.isfile(settings_file):
        raise SettingsFileError(
            f"{settings_file}: no such settings file (-s): expected a Pelican settings file"
        )
    try:
        with read_afresh():
            settings = read_settings(settings_file, override=get_config(args))
    except Exception as error:
        raise SettingsFileError(in_settings(error, settings_file)) from error
    if strict:
        settings["GUIDE_STRICT"] = True
    settings[SETTINGS_FILE] = settings_file
    # The guide's values of Pelican's settings, as the plugin gives them at the start of the
    # build, already here: the devserver watches the theme they name.
    settings[PLUGINS_AS_WRITTEN] = settings.get("PLUGINS")
    if asked_for(settings):
        apply(settings)
    return args, settings_file, settings


class SettingsFileError(GuideError):
    """The settings file could not be run; the message names it and the line."""


def build(argv: list[str], adjust=None, out=sys.stdout, discard=None) -> int:
    """One staged build; `adjust(settings)` may change the settings first; `discard(folder)`
    deletes the old site (outputdir.swap). Exit status."""
    from pelican import Pelican
    from pelican.log import LimitFilter, console

    from .outputdir import Lock, Staging, left_to_the_guardian, refusal, remove_stale_staging, swap
    from .run import end

    options = parse(build_parser(), argv)
    pelican_argv = cli_pelican_argv(options)
    debug = options.debug
    root = logging.getLogger()
    root.handlers[:] = [OneLineHandler(debug)]
    root.setLevel(logging.DEBUG if debug else logging.ERROR if options.quiet else logging.WARNING)
    logging.getLogger(LOGGER).setLevel(
        logging.DEBUG if debug else logging.ERROR if options.quiet else logging.INFO
    )
    # Each link sent to the complete guide is a line with -v; otherwise one line counts them.
    links_logger.setLevel(logging.INFO if options.verbose or debug else logging.WARNING)
    LimitFilter._raised_messages.clear()  # a devserver reports every build afresh
    console.quiet = True  # the plugin prints its own summary line

    def fail(message: str) -> int:
        print(f"error: {message}", file=sys.stderr, flush=True)
        return 1

    try:
        _args, settings_file, settings = load_settings(pelican_argv, options.strict)
        if adjust is not None:
            adjust(settings)
    except SystemExit as exit:  # argparse has printed its own line
        return exit.code if isinstance(exit.code, int) else 2
    except Exception as error:
        if debug:
            raise
        return fail(describe(error, settings_file_of(pelican_argv)))

    content = settings["PATH"]
    if not os.path.isdir(content):
        return fail(f"the content folder {content} does not exist")
    requested = settings["OUTPUT_PATH"]
    output = os.path.realpath(requested)  # a link to a folder: the folder it points to is swapped
    project = os.path.dirname(os.path.abspath(settings_file)) if settings_file else os.getcwd()
    retained = tuple(settings.get("OUTPUT_RETENTION", ()))
    refused = refusal(requested, content, os.path.join(os.path.realpath(project), "output"), retained)
    if refused:
        return fail(refused + "; nothing was touched")
    lock = Lock(output)

    def waited():
        return print(f"waiting for another build of {requested} to finish...", file=sys.stderr, flush=True)

    try:
        os.makedirs(os.path.dirname(output), exist_ok=True)
        locked = lock.acquire(wait=not options.no_wait, waiting=waited)
    except OSError as error:  # a read-only file system, a folder of someone else's
        return fail(
            f"cannot write beside OUTPUTDIR {requested}: {error.strerror} "
            f"({error.filename or lock.path}); nothing was touched"
        )
    if not locked:
        return fail(f"another build is writing {requested} (lock {lock.path}); nothing was touched")
    staging = None
    try:
        try:
            remove_stale_staging(output)
            staging = Staging(output)
        except OSError as error:
            return fail(
                f"cannot write beside OUTPUTDIR {requested}: {error.strerror} "
                f"({error.filename or output}); nothing was touched"
            )
        settings["OUTPUT_PATH"] = staging.path
        settings[PREVIOUS_SITE] = output
        settings["DELETE_OUTPUT_DIRECTORY"] = False
        # Pelican copies a file of the content folder only when it is newer than its copy,
        # which the guide takes from the previous site when unchanged (staticfiles.py).
        settings["STATIC_CHECK_IF_MODIFIED"] = True
        try:
            Pelican(settings).run()
        finally:
            end(settings)  # what the build found is said, whether it finished or stopped
        swap(staging.path, output, retained, discard or left_to_the_guardian(staging))
        staging = None
        return 0
    except KeyboardInterrupt:
        return fail("interrupted; the output folder was left as it was")
    except Exception as error:  # noqa: BLE001 - any failure, told in one line (--debug: traceback)
        if debug:
            traceback.print_exc()
        return fail(f"{describe(error, settings_file)}; {requested} was left as it was")
    finally:
        if staging is not None:
            staging.discard()  # a failed build's folder; the guardian goes too
        lock.release()


def main() -> None:
    status = build(sys.argv[1:])
    # The build is over and has let go of everything outside the process (its lock, its
    # staging folder, its workers): what it printed is flushed and the process ends here,
    # without Python freeing one by one the objects of the whole site it held (0.1 s and
    # more after a build of 1,000 pages, longer than some warm builds' own steps).
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
