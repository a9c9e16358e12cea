"""Command line: `python -m guide_build [pelican arguments]` builds and swaps in the site."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time

from .report import OneLineHandler, describe
from .swap import clear_in_background, replace_folder, staging_path

logger = logging.getLogger("guide_build")


def _settings_file(args) -> str | None:
    if args.settings:
        return args.settings
    return "pelicanconf.py" if os.path.isfile("pelicanconf.py") else None


def build(argv: list[str], adjust_settings=None) -> int:
    """One staged build; `adjust_settings(settings)` may change the settings first."""
    from pelican import Pelican, get_config, parse_arguments
    from pelican.log import LimitFilter
    from pelican.settings import read_settings

    args = parse_arguments(argv)
    debug = args.verbosity == logging.DEBUG
    handler = OneLineHandler()
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(args.verbosity or logging.WARNING)
    LimitFilter._raised_messages.clear()  # a long-lived process reports every build afresh

    settings_file = _settings_file(args)
    staging = None
    clearing = None
    try:
        settings = read_settings(settings_file, override=get_config(args))
        if adjust_settings is not None:
            adjust_settings(settings)
        output = settings["OUTPUT_PATH"]
        staging = staging_path(output)
        clearing = clear_in_background(staging)  # the site before last, from the last swap
        settings["OUTPUT_PATH"] = staging
        for path in settings.get("PLUGIN_PATHS", []):
            if path not in sys.path:
                sys.path.insert(0, path)  # the plugins import each other by name
        Pelican(settings).run()
    except Exception as error:  # every failure ends as one line, never a traceback
        if debug:
            raise
        print(f"error: {describe(error, settings_file)}", file=sys.stderr)
        handler.errors += 1
    if clearing is not None:
        clearing.wait()
    if handler.errors:
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
        print(
            f"error: build failed with {handler.errors} error{'s' if handler.errors != 1 else ''}; "
            "the output folder was left as it was",
            file=sys.stderr,
        )
        return 1
    replace_folder(staging, output)
    return 0


def main() -> None:
    started = time.perf_counter()
    status = build(sys.argv[1:])
    if status == 0:
        print(f"guide_build: output replaced in {time.perf_counter() - started:.2f} s")
    sys.exit(status)


if __name__ == "__main__":
    main()
