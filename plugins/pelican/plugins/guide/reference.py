"""The manual's settings reference, made from the tables of settings, so they cannot drift
apart: every GUIDE_* setting (settings.SETTINGS) and the Pelican settings the guide gives its
own values (sitesettings.PELICAN_SETTINGS).

    python -m pelican.plugins.guide.reference docs/content/pages/04-settings

writes settings.md and pelican-settings.md there. `make docs` writes them before building the
manual; a test compares the pages with these."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .settings import SETTINGS
from .sitesettings import PELICAN_SETTINGS

HEADER = """\
title: Settings reference
slug: settings
sortorder: 0400
toc: true
sidebartitle: 4. Settings
meta: Every GUIDE_* setting, with its type, its default and what it does.

<!-- Written by `python -m pelican.plugins.guide.reference` from the table of settings in
plugins/pelican/plugins/guide/settings.py: edit that table, not this page. -->

Every `GUIDE_*` setting goes in the site's settings file (`pelicanconf.py`), and each is checked
when a build starts: a wrong value is one line naming the setting, the value and what was
expected, and a misspelt name is an error that names the closest setting. The Pelican settings
the guide gives its own values are in [Pelican's settings](/pelican-settings.html).
"""


def undescribed(table=None, pelican_table=None) -> list[str]:
    """The settings of the tables that lack a type or a meaning: the reference would not say
    what they do."""
    table = SETTINGS if table is None else table
    pelican_table = PELICAN_SETTINGS if pelican_table is None else pelican_table
    return [name for name, entry in table.items() if not entry.kind.strip() or not entry.meaning.strip()] + [
        name for name, entry in pelican_table.items() if not entry.shown.strip()
    ]


def _value(value) -> str:
    """A default as an author writes it in pelicanconf.py."""
    if isinstance(value, tuple) and len(value) > 2:
        return "(" + ", ".join(f"r{item!r}" if "\\" in item else repr(item) for item in value) + ")"
    return repr(value)


def markdown() -> str:
    """The reference page: a section per group, a heading per setting with its type, default
    and meaning."""
    lines = [HEADER]
    group = None
    for name, entry in SETTINGS.items():
        if entry.group != group:
            group = entry.group
            lines += [f"## {group}", ""]
        lines += [
            f"### {name}",
            "",
            f"Type `{entry.kind}`, default `{_value(entry.default)}`.",
            "",
            entry.meaning,
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


PELICAN_HEADER = """\
title: Pelican's settings
slug: pelican-settings
sortorder: 0410
toc: false
sidebartitle: Pelican's settings
meta: The Pelican settings the guide gives its own values, and what happens when a site sets them otherwise.

<!-- Written by `python -m pelican.plugins.guide.reference` from the table of Pelican settings
in plugins/pelican/plugins/guide/sitesettings.py: edit that table, not this page. -->

The guide needs some of Pelican's own settings set its way. Left at Pelican's defaults, they get
the guide's values (`sitesettings.py`, in one place); set otherwise, the build says so in one line
naming the setting:
"""

PELICAN_FOOTER = """\
Whatever a site sets, the guide sets Pelican's content cache its way for each build
(`pagecache.py`): `CACHE_CONTENT` follows `GUIDE_CACHE` (off when the settings hold a value
Pelican cannot save, a lambda in `JINJA_FILTERS` say), `CONTENT_CACHING_LAYER = "generator"` (the
pages as Pelican made them) and `GZIP_CACHE = False` (Pelican writes it whole on every build);
`guide-build` also sets `STATIC_CHECK_IF_MODIFIED = True`, so Pelican leaves the files it takes
from the previous site. `LOAD_CONTENT_CACHE = False` (`--ignore-cache`) reads and renders
everything afresh.

A site that sets `THEME` itself and wants the guide's theme writes
`from pelican.plugins.guide import theme_path` and `THEME = theme_path()`.
"""


def pelican_markdown() -> str:
    """The page of Pelican's settings: one row per setting, settings with the same value and
    consequence in one row."""
    rows: dict[tuple[str, str], list[str]] = {}
    for name, entry in PELICAN_SETTINGS.items():
        rows.setdefault((entry.shown, entry.otherwise), []).append(f"`{name}`")
    lines = [PELICAN_HEADER, "| setting | the guide's value | set otherwise |", "| --- | --- | --- |"]
    lines += [f"| {', '.join(names)} | {shown} | {otherwise} |" for (shown, otherwise), names in rows.items()]
    return "\n".join(lines) + "\n\n" + PELICAN_FOOTER


PAGES = {"settings.md": markdown, "pelican-settings.md": pelican_markdown}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m pelican.plugins.guide.reference",
        description="Write the manual's settings pages ("
        + ", ".join(PAGES)
        + ") from the tables of settings.",
    )
    parser.add_argument(
        "folder", nargs="?", type=Path, help="where to write them; without it, the first to stdout"
    )
    args = parser.parse_args(argv)
    if args.folder is None:
        sys.stdout.write(markdown())
        return
    if not args.folder.is_dir():
        parser.exit(2, f"error: {args.folder}: no such folder: expected the manual's settings chapter\n")
    for name, make in PAGES.items():
        (args.folder / name).write_text(make(), encoding="utf-8")


if __name__ == "__main__":
    main()
