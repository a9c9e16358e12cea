"""The manual's settings reference, made from the one table of settings (settings.SETTINGS),
so the two cannot drift apart:

    python -m pelican.plugins.guide.reference docs/content/pages/04-settings/settings.md

`make docs` writes it before building the manual; a test compares the page with this."""

from __future__ import annotations

import sys
from pathlib import Path

from .settings import SETTINGS

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


def undescribed(table=None) -> list[str]:
    """The settings of the table that lack a type or a meaning: the reference would not say
    what they do."""
    table = SETTINGS if table is None else table
    return [name for name, entry in table.items() if not entry.kind.strip() or not entry.meaning.strip()]


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


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    text = markdown()
    if not args:
        sys.stdout.write(text)
        return
    Path(args[0]).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
