"""Signal handler: check the written site when Pelican has finished writing it."""

from __future__ import annotations

import logging
import os

from pelican import signals

from guide_navigation import guide_of

from .checks import PageExpectation, check_written_page

logger = logging.getLogger(__name__)

CONTENTS_PAGE = "table-of-contents.html"
# Pages the theme writes besides the guide's own; their links are checked too.
THEME_PAGES = ("index.html", CONTENTS_PAGE, "404.html")


class GuideCheckError(Exception):
    """The written site does not match the guide's metadata."""

    exitcode = 1


def expectation(page, guide, sitename: str) -> PageExpectation:
    return PageExpectation(
        path=page.save_as,
        title=f"{page.title} - {sitename}",
        h1=page.title,
        description=page.description,
        sidebar=guide.sidebar_for(page),
    )


def check_written_site(pelican) -> None:
    """finalized: read every written page back once and stop the build on any problem."""
    guide = guide_of(pelican.settings)
    if guide is None:
        return
    output = pelican.output_path
    siteurl = pelican.settings["SITEURL"]
    sitename = pelican.settings["SITENAME"]

    def file_exists(path: str) -> bool:
        return os.path.isfile(os.path.join(output, path))

    reading_order = [page.url for page in guide.pages]
    jobs = [(page.save_as, {"expected": expectation(page, guide, sitename)}) for page in guide.pages]
    jobs += [(name, {"contents": reading_order} if name == CONTENTS_PAGE else {}) for name in THEME_PAGES]

    problems = []
    for path, checks in jobs:
        try:
            with open(os.path.join(output, path), encoding="utf-8") as written:
                html = written.read()
        except FileNotFoundError:
            problems.append(f"{path}: was not written")
            continue
        problems += check_written_page(
            html, path, siteurl=siteurl, file_exists=file_exists, **checks
        )

    if problems:
        for line in problems:
            logger.error("%s", line)
        raise GuideCheckError(
            f"the written site has {len(problems)} problem{'s' if len(problems) != 1 else ''}"
        )


def register():
    signals.finalized.connect(check_written_site)
