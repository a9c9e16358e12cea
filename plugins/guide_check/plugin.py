"""Signal handler: check the written site when Pelican has finished writing it."""

from __future__ import annotations

import logging
import os

from pelican import signals

from guide_navigation import guide_of

from .checks import PageExpectation, check_contents_page, check_page

logger = logging.getLogger(__name__)

CONTENTS_PAGE = "table-of-contents.html"


class GuideCheckError(Exception):
    """The written site does not match the guide's metadata."""

    exitcode = 1


def expectations(guide, sitename: str):
    for page in guide.pages:
        yield PageExpectation(
            path=page.save_as,
            title=f"{page.title} - {sitename}",
            h1=page.title,
            description=page.description,
            sidebar=guide.sidebar_for(page),
        )


def check_written_site(pelican) -> None:
    """finalized: read every guide page back and stop the build on any problem."""
    guide = guide_of(pelican.settings)
    if guide is None:
        return
    output = pelican.output_path
    siteurl = pelican.settings["SITEURL"]

    def file_exists(path: str) -> bool:
        return os.path.isfile(os.path.join(output, path))

    problems = []
    for expected in expectations(guide, pelican.settings["SITENAME"]):
        with open(os.path.join(output, expected.path), encoding="utf-8") as written:
            html = written.read()
        problems += check_page(html, expected, siteurl=siteurl, file_exists=file_exists)
    contents_path = os.path.join(output, CONTENTS_PAGE)
    if os.path.isfile(contents_path):
        with open(contents_path, encoding="utf-8") as written:
            problems += check_contents_page(
                written.read(), CONTENTS_PAGE, [page.url for page in guide.pages], siteurl=siteurl
            )
    else:
        problems.append(f"{CONTENTS_PAGE}: was not written")

    if problems:
        for line in problems:
            logger.error("%s", line)
        raise GuideCheckError(
            f"the written site has {len(problems)} navigation problem{'s' if len(problems) != 1 else ''}"
        )


def register():
    signals.finalized.connect(check_written_site)
