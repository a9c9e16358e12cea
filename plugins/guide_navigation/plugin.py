"""Signal handlers: check GUIDE_CHAPTERS once, build the tree when the pages are read."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from pelican import signals

from guide_settings import GuideSettingsError

from .tree import Guide

logger = logging.getLogger(__name__)

# Chapter headings for chapters without a landing page; pelicanconf.py overrides it.
DEFAULT_GUIDE_CHAPTERS: dict[int, str] = {}

# The check plugin reads the tree of the build it checks; keyed by the build's settings.
_guides_by_build: dict[int, Guide] = {}


def chapter_titles(settings) -> dict[int, str]:
    """GUIDE_CHAPTERS, checked: whole chapter numbers 0-99 mapped to non-empty text."""
    value = settings.get("GUIDE_CHAPTERS", DEFAULT_GUIDE_CHAPTERS)
    if not isinstance(value, Mapping):
        raise GuideSettingsError(
            f"GUIDE_CHAPTERS {value!r} must be a dict of chapter numbers to titles, "
            'like {5: "Deployment"}'
        )
    titles = {}
    for number, title in value.items():
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 99:
            raise GuideSettingsError(
                f"GUIDE_CHAPTERS key {number!r} must be a chapter number from 0 to 99, "
                'like {5: "Deployment"}'
            )
        if not isinstance(title, str) or not title.strip():
            raise GuideSettingsError(
                f"GUIDE_CHAPTERS[{number}] {title!r} must be a non-empty chapter title"
            )
        titles[number] = " ".join(title.split())
    return titles


def check_settings(pelican) -> None:
    """initialized: a wrong setting stops the build before anything is read."""
    chapter_titles(pelican.settings)


def build_guide(generator) -> None:
    """page_generator_finalized: order the guide and hang the relations on the pages."""
    for page in (*generator.pages, *generator.hidden_pages):
        freeze_urls(page)
    guide = Guide.from_pages(generator.pages, chapter_titles(generator.settings))
    for page in generator.hidden_pages:
        page.guide_chapter = None
        page.prev_page = page.next_page = None
    for chapter in guide.chapters:
        for page in (chapter.landing, *chapter.pages):
            if page is not None:
                page.guide_chapter = chapter
    for before, page, after in zip((None, *guide.pages), guide.pages, (*guide.pages[1:], None)):
        page.prev_page, page.next_page = before, after
    generator.context["GUIDE"] = guide
    _guides_by_build.clear()  # one build at a time: keep only the latest tree
    _guides_by_build[id(generator.settings)] = guide


def freeze_urls(page) -> None:
    """Work out a page's URL and file name once: Pelican recomputes them from settings on
    every access, and each sidebar prints one URL per entry (about 30 us each, most of
    the sidebar's cost). Pelican reads `override_*` first."""
    page.override_url = page.url
    page.override_save_as = page.save_as


def guide_of(settings) -> Guide | None:
    """The tree built for the build that runs with `settings`."""
    return _guides_by_build.get(id(settings))


def register():
    signals.initialized.connect(check_settings)
    # After guide_metadata's handler: the pages are typed and valid by now.
    signals.page_generator_finalized.connect(build_guide)
