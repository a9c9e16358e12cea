"""`guide-linkcheck`: every external link of a built site, checked (`make linkcheck`).

    guide-linkcheck content -o output -s pelicanconf.py [--strict] [--json FILE] [pelican options]

It reads the settings as `guide-build` does, and the site `guide-build` wrote into the
output folder (`make linkcheck` builds it first). Exit status 1 when a link is broken, or,
with --strict (STRICT=1, GUIDE_STRICT), when there is any finding.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

from ..build import OneLineHandler, describe, load_settings, settings_file_of
from ..cli import linkcheck_parser, parse
from ..cli import pelican_argv as cli_pelican_argv
from ..files import read_stamp, write_atomically
from ..report import display_path, plural
from ..settings import guide_config
from .cache import LinkCache
from .checker import BROKEN, OK, Checker, Outcome, fragment_checkable
from .links import collect
from .pageids import fragment_found
from .report import Progress, as_json, counts, findings, summary, text, warnings_of
from .sources import load_page_sources


def json_bytes(report: dict) -> bytes:
    """The JSON report as UTF-8. Its strings are clean already (report.py); a character
    that could not be encoded would be written as an escape rather than end the file."""
    return json.dumps(report, indent=1, ensure_ascii=False).encode("utf-8", "backslashreplace")


def user_agent(public_url: str, placeholder: bool) -> str:
    try:
        release = version("pelican-guide")
    except PackageNotFoundError:
        release = "0"
    contact = f" (+{public_url})" if public_url and not placeholder else ""
    return f"pelican-guide-linkcheck/{release}{contact}"


def options(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Its own options (cli.py, `guide-linkcheck --help`), and Pelican's as it spells them."""
    own = parse(linkcheck_parser(), argv)
    return own, cli_pelican_argv(own)


def run(argv: list[str], resolver=None, out=None, err=None) -> int:
    """One link check; its exit status. `resolver` lets tests answer host names themselves."""
    out, err = out or sys.stdout, err or sys.stderr
    own_options, pelican_argv = options(argv)
    debug = any(flag in pelican_argv for flag in ("-D", "--debug"))
    root = logging.getLogger()
    root.handlers[:] = [OneLineHandler(debug)]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)

    def say(level: str, message: str) -> None:
        print(f"{level}: {message}", file=err, flush=True)

    try:
        _, _settings_file, settings = load_settings(pelican_argv, own_options.strict)
        config = guide_config(settings)
    except SystemExit as exit:  # argparse has printed its own line
        return exit.code if isinstance(exit.code, int) else 2
    except Exception as error:
        if debug:
            raise
        say("error", describe(error, settings_file_of(pelican_argv)))
        return 1
    checking = config.linkcheck
    output = settings["OUTPUT_PATH"]
    if read_stamp(output) is None:
        say("error", f"{output} holds no site built by guide-build; build it first (make linkcheck does)")
        return 1
    started = time.perf_counter()
    sources = load_page_sources(settings["CACHE_PATH"], output)
    if sources is None:
        say(
            "warning",
            f"{output}: no record of which source each page came from (the build that wrote it "
            "kept none); links are named by their written page",
        )
    own = tuple(
        address
        for address in (config.public_url, config.siteurl + "/" if "://" in config.siteurl else "")
        if address
    )
    links, gone = collect(output, sources, own, config.missing_pages_base, settings["THEME"])
    if gone:
        others = f" and {plural(len(gone) - 1, 'other page')}" if len(gone) > 1 else ""
        say(
            "warning",
            f"{gone[0]}{others} went away while the site's links were read (a build replaced "
            f"{output} meanwhile); their links are not checked: run the check again",
        )

    kept = [link for link in links if not any(pattern.search(link.url) for pattern in checking.ignore)]
    ignored = len({link.target for link in links} - {link.target for link in kept})
    targets: dict[str, set[str]] = {}
    for link in kept:
        wanted = targets.setdefault(link.target, set())
        if checking.anchors and fragment_checkable(link.fragment, urlsplit(link.target).hostname):
            wanted.add(link.fragment)

    cache = LinkCache(
        settings["CACHE_PATH"], checking.cache_days, load=bool(settings.get("LOAD_CONTENT_CACHE", True))
    )
    outcomes: dict[str, Outcome] = {
        url: Outcome(OK, "checked recently", cached=True) for url in targets if cache.fresh(url, targets[url])
    }
    asking = {url: wanted for url, wanted in targets.items() if url not in outcomes}
    progress = Progress(len(asking), err)

    def done(url: str, outcome: Outcome) -> None:
        progress.advance(outcome)
        found = {
            fragment
            for fragment in asking[url]
            if outcome.ids is not None and fragment_found(fragment, outcome.ids)
        }
        cache.record(url, outcome.kind == OK, found)

    checker = Checker(checking, user_agent(config.public_url, config.placeholder_url), resolver)
    try:
        outcomes.update(checker.run(asking, done) if asking else {})
    except KeyboardInterrupt:
        progress.close()
        say(
            "error",
            f"interrupted; the {plural(progress.done, 'URL')} checked so far "
            f"are kept in {display_path(cache.path)}",
        )
        return 130
    finally:
        progress.close()
        cache.close()
    for line in cache.warnings:
        say("warning", line)

    found = findings(kept, outcomes, targets)
    figures = counts(kept, outcomes, found, ignored, time.perf_counter() - started)
    figures["requests"] = checker.requests
    broken = sum(finding.kind == BROKEN for finding in found)
    warnings = warnings_of(found)
    status = 1 if broken or (config.strict and warnings) else 0
    report_json = as_json(found, figures, config.strict, status)
    if own_options.json and own_options.json != "-":
        try:  # whole or not at all: the file CI keeps is never cut short
            write_atomically(own_options.json, json_bytes(report_json))
        except OSError as error:
            say(
                "error",
                f"the JSON report could not be written to {own_options.json}: {error.strerror or error}",
            )
            return 1
    if own_options.json == "-":
        print(json_bytes(report_json).decode("utf-8"), file=out, flush=True)
    else:
        report = text(found)
        if report:
            print(report, file=out)
        print(summary(figures), file=out, flush=True)
    if broken:
        say("error", f"{plural(broken, 'broken link')}")
    if config.strict and warnings:
        say(
            "error",
            f"strict mode: {plural(warnings, 'finding')} "
            "(moved, timed out, rate-limited, anchor missing) count as errors",
        )
    return status


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
