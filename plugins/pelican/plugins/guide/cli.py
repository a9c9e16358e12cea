"""The command lines of `guide-build`, `guide-devserver` and `guide-linkcheck`: their own options and the
Pelican options they pass on, each with a line of help (`--help`). A Pelican option that
would do nothing under them (`-r`, `-l`, `-d`, `--fatal`) is refused with one line saying
what to use instead, and any other mistake is one line too.
"""

from __future__ import annotations

import argparse
import sys
import textwrap

# Pelican's options that these commands do themselves, or not at all: option -> (arguments, instead).
_REFUSED = {
    ("-r", "--autoreload"): (0, "use guide-devserver --no-serve (make regenerate) to rebuild on every save"),
    ("-l", "--listen"): (
        0,
        "use guide-devserver (make devserver), or guide-devserver --no-build (make serve)",
    ),
    ("-d", "--delete-output-directory"): (0, "the build replaces the output folder whole, always"),
    ("--fatal",): (1, "use --strict: every warning is an error"),
    ("--print-settings",): ("*", "use pelican --print-settings"),
}
_SERVING = {
    ("-p", "--port"): (1, "serving is guide-devserver's (make devserver PORT=...)"),
    ("-b", "--bind"): (1, "serving is guide-devserver's (make devserver BIND=...)"),
}


class WholeWords(argparse.HelpFormatter):
    """--help wrapped between words only: a file name such as docs/getting-started.html
    stays whole."""

    def _fill_text(self, text, width, indent):
        text = " ".join(text.split())
        return textwrap.fill(
            text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        )


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=WholeWords, **kwargs)

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message} ({self.prog} --help lists the options)\n")


class _Refused(argparse.Action):
    def __init__(self, option_strings, dest, instead: str, **kwargs):
        super().__init__(option_strings, dest, help=argparse.SUPPRESS, **kwargs)
        self.instead = instead

    def __call__(self, parser, namespace, values, option_string=None):
        parser.exit(2, f"error: {parser.prog} does not take {option_string}: {self.instead}\n")


def _refuse(parser, table: dict) -> None:
    for flags, (nargs, instead) in table.items():
        parser.add_argument(*flags, action=_Refused, instead=instead, nargs=nargs, dest=argparse.SUPPRESS)


def _build_options(parser) -> None:
    own = parser.add_argument_group("the guide's build")
    own.add_argument(
        "--strict",
        action="store_true",
        help="every warning is an error, as CI publishes (make html STRICT=1)",
    )
    own.add_argument(
        "--no-wait",
        action="store_true",
        help="fail at once when another build holds the output folder, instead of waiting",
    )


def _pelican_options(parser) -> None:
    parser.add_argument(
        "path", nargs="?", metavar="CONTENT", help="the content folder (default: PATH in the settings)"
    )
    passed = parser.add_argument_group("Pelican's options, passed on")
    passed.add_argument(
        "-s", "--settings", metavar="FILE", help="the settings file (default: pelicanconf.py in this folder)"
    )
    passed.add_argument("-o", "--output", metavar="FOLDER", help="where the site goes (default: OUTPUT_PATH)")
    passed.add_argument(
        "-t", "--theme-path", metavar="FOLDER", help="another theme (default: THEME, or the guide's)"
    )
    passed.add_argument(
        "-e",
        "--extra-settings",
        nargs="*",
        metavar="NAME=JSON",
        help="settings to override, values in JSON: -e SITEURL='\"https://x.org\"' GUIDE_SEARCH=false",
    )
    passed.add_argument(
        "--relative-urls", action="store_true", help="relative links, for a site opened as files"
    )
    passed.add_argument(
        "--cache-path", metavar="FOLDER", help="where the caches and the lock go (default: CACHE_PATH)"
    )
    passed.add_argument(
        "--ignore-cache", action="store_true", help="read, render and check everything afresh"
    )
    passed.add_argument(
        "-v", "--verbose", action="store_true", help="also list each link sent to the complete guide"
    )
    passed.add_argument("-q", "--quiet", action="store_true", help="only errors, and the summary line")
    passed.add_argument(
        "-D", "--debug", action="store_true", help="Python tracebacks, and where the time went"
    )


def manual(slug: str, title: str) -> str:
    """Where pelican-guide's manual (docs/, built by `make docs`) explains a command."""
    return f'The manual explains it: "{title}", docs/{slug}.html.'


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="guide-build",
        description="Build the guide into a staging folder, check every written page, and swap it in whole; "
        "nothing is written when there is an error.",
        epilog="make html runs: guide-build content -o output -s pelicanconf.py. "
        + manual("getting-started", "Getting started"),
    )
    _build_options(parser)
    _pelican_options(parser)
    _refuse(parser, {**_REFUSED, **_SERVING})
    return parser


def devserver_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="guide-devserver",
        description="Build the guide, serve it on the loopback with live reload, and rebuild it on every "
        "save to the content, the theme or the settings.",
        epilog="make devserver runs: "
        "guide-devserver content -o .devserver -s pelicanconf.py -b 127.0.0.1 -p 8000. "
        + manual("getting-started", "Getting started"),
    )
    serving = parser.add_argument_group("serving")
    mode = serving.add_mutually_exclusive_group()
    mode.add_argument(
        "--no-serve", action="store_true", help="rebuild on every save, serve nothing (make regenerate)"
    )
    mode.add_argument("--no-build", action="store_true", help="serve the output folder as it is (make serve)")
    serving.add_argument(
        "-b",
        "--bind",
        default="127.0.0.1",
        metavar="HOST",
        help="the address to listen on (default: 127.0.0.1)",
    )
    serving.add_argument("-p", "--port", type=int, default=8000, help="the port to listen on (default: 8000)")
    _build_options(parser)
    _pelican_options(parser)
    _refuse(parser, _REFUSED)
    return parser


def linkcheck_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="guide-linkcheck",
        description="Check every external link of the site guide-build wrote into the output folder, and "
        "report each problem under its source file and line.",
        epilog="make linkcheck runs: make html, then guide-linkcheck content -o output -s pelicanconf.py. "
        + manual("linkcheck", "Checking external links"),
    )
    own = parser.add_argument_group("the link check")
    own.add_argument(
        "--strict",
        action="store_true",
        help="moved, timed-out, rate-limited and anchor findings are errors too (make linkcheck STRICT=1)",
    )
    own.add_argument(
        "--json",
        metavar="FILE",
        help="also write the report as JSON to FILE (- for standard output, instead of the text)",
    )
    _pelican_options(parser)
    _refuse(parser, {**_REFUSED, **_SERVING})
    return parser


def pelican_argv(options: argparse.Namespace) -> list[str]:
    """The options Pelican reads, as its own command line spells them."""
    argv = [options.path] if options.path else []
    for flag, value in (
        ("-s", options.settings),
        ("-o", options.output),
        ("-t", options.theme_path),
        ("--cache-path", options.cache_path),
    ):
        if value:
            argv += [flag, value]
    for flag, value in (
        ("--relative-urls", options.relative_urls),
        ("--ignore-cache", options.ignore_cache),
        ("-v", options.verbose),
        ("-q", options.quiet),
        ("-D", options.debug),
    ):
        if value:
            argv.append(flag)
    if options.extra_settings:
        argv += ["-e", *options.extra_settings]
    return argv


def build_argv(options: argparse.Namespace) -> list[str]:
    """guide-build's command line for these options (the devserver's builds)."""
    own = [flag for flag, value in (("--strict", options.strict), ("--no-wait", options.no_wait)) if value]
    return own + pelican_argv(options)


def parse(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> argparse.Namespace:
    return parser.parse_args(sys.argv[1:] if argv is None else argv)
