"""The guide's pages as Pelican made them, or took them from its content cache: checked,
ordered, and given what their templates print around their text.

`collect` takes Pelican's page generator once it has every page: it reports each page's
notes from reading and the rules across pages (ties in sortorder, chapters without a
heading, a slug in another language), and works out the guide's order and each page's
sidebar and pager (navigation.py). Its value, `Pages`, is what every later step reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import pagecache, report
from .generator import markdown_copy
from .navigation import Guide, is_home, ties
from .reader import NOTES

PELICAN_LISTS = ("pages", "hidden_pages", "draft_pages")


@dataclass(frozen=True)
class Pages:
    listed: tuple  # published: in the sidebar, the search index, llms.txt and the sitemap
    hidden: tuple  # written and reached by their address, listed nowhere
    guide: Guide

    @property
    def every(self) -> tuple:
        return (*self.listed, *self.hidden)


def collect(generator, reads: dict, config, styles, settings_file: str | None) -> Pages:
    """Every page of the guide, from Pelican's page generator (`reads`: the pages read this
    build); problems reported; the generator's lists keep only the guide's pages."""
    for name in PELICAN_LISTS:
        kept = []
        for page in getattr(generator, name):
            pagecache.refresh(page, generator)
            if not hasattr(page, "sortorder"):
                report.error(
                    page.source_path, "is not a Markdown page (.md, .markdown); the guide reads only those"
                )
                continue
            for note in getattr(page, NOTES, ()):
                _note(page.source_path, note)
            kept.append(page)
        setattr(generator, name, kept)
    for path, read in reads.items():
        if not read.usable:  # Pelican passed over it; what is wrong with it is said here
            for note in read.notes:
                _note(path, note)
    pages, hidden = generator.pages, generator.hidden_pages
    found = (*PELICAN_LISTS, "translations", "hidden_translations", "draft_translations")
    if not reads and not any(getattr(generator, name, ()) for name in found):
        folders = ", ".join(f"{generator.path}/{folder}" for folder in generator.settings["PAGE_PATHS"])
        report.error(generator.path, f"has no pages: put Markdown files (.md, .markdown) under {folders}")
    other_languages(generator, pages, hidden)
    # A {static} link that leaves the content folder must never be copied, and one to a file
    # that is not there cannot be (the links step names the page of each); Pelican has listed
    # them among the files to copy.
    static_links = generator.context.get("static_links", set())
    for link in list(static_links):
        if (
            link.startswith("..")
            or os.path.isabs(link)
            or not os.path.lexists(os.path.join(generator.path, link))
        ):
            static_links.discard(link)
    order_rules(generator.settings, config, pages, settings_file)

    for page in (*pages, *hidden):
        page.in_default_lang = True  # its address is its slug's, whatever its lang (fix_address)
    guide = Guide(pages, config.chapters, config.sections)
    positions = {id(entry.page): index for index, entry in enumerate(guide.reading_order)}
    for page in (*pages, *hidden):
        page.nav = guide.page_nav(page, positions.get(id(page)))
        page.stylesheet = styles.for_page(page._content)
        # A hidden page is written and reached by its address, and listed nowhere: not in
        # the sidebar, llms.txt, the search index or the sitemap, and it has no Markdown copy.
        page.listed = id(page) in positions
        page.markdown_url = markdown_copy(page) if config.llms_txt and page.listed else None
    generator.context.update(GUIDE=guide, GUIDE_SIDEBAR=guide.sidebar())
    return Pages(tuple(pages), tuple(hidden), guide)


def fix_address(page) -> None:
    """A page's URL and file name, worked out once as Pelican makes the page (and kept with it
    in Pelican's content cache): Pelican works them out of the settings on every use, and the
    sidebars, links and keys use them thousands of times. Every page is written at its slug,
    whatever its lang; the writer refuses two files with one name itself."""
    in_default_lang = page.in_default_lang
    page.in_default_lang = True
    page.override_url, page.override_save_as = page.url, page.save_as
    page.in_default_lang = in_default_lang  # Pelican's translations are found by it (other_languages)


def _note(source: str, note) -> None:
    (report.error if note.level == "error" else report.warning)(source, note.message)


def other_languages(generator, pages, hidden) -> None:
    """`lang` sets a page's <html lang>; Pelican would also move a page in another language
    to PAGE_LANG_SAVE_AS, or hide it as a translation of a page with its slug."""
    for name in ("translations", "hidden_translations"):
        for page in getattr(generator, name):
            others = [other for other in (*pages, *hidden) if other.slug == page.slug]
            of = f" of {report.display_path(others[0].source_path)}" if others else ""
            report.error(
                page.source_path,
                f"has the slug {page.slug}{of}, in another language (lang {page.lang}); "
                "the guide writes each page at its own slug, whatever its language: give it its own",
            )
        setattr(generator, name, [])


def order_rules(settings, config, pages, settings_file: str | None) -> None:
    """Ties in sortorder, chapters with no heading, headings with no chapter."""
    for group in ties(pages):
        others = " and ".join(report.display_path(page.source_path) for page in group[1:])
        report.warning(
            group[0].source_path,
            f"shares its place ({group[0].sortorder}) with {others}; they are ordered by slug "
            f"({', '.join(page.slug for page in group)}): give each its own sortorder",
        )
    for number in sorted({page.sortorder.chapter for page in pages if not is_home(page)}):
        members = [page for page in pages if page.sortorder.chapter == number]
        if not any(page.toc for page in members) and number not in config.chapters:
            report.warning(
                members[0].source_path,
                f"sortorder puts it in chapter {number}, which has no `toc: true` page and no title in "
                f'GUIDE_CHAPTERS; its sidebar heading reads "Chapter {number}"',
            )
    unused_chapters(config, pages, settings_file)


def unused_chapters(config, pages, settings_file: str | None) -> None:
    """A GUIDE_CHAPTERS title for a chapter with no page is shown nowhere: a mistyped
    number, or a chapter since removed. When the site carries part of a complete guide
    (GUIDE_MISSING_PAGES_BASE), the other chapters are that guide's: one line with -v."""
    present = {page.sortorder.chapter for page in pages if not is_home(page)}
    unused = [number for number in config.chapters if number not in present]
    if not unused or not pages:
        return
    where = settings_file or "pelicanconf.py"
    if config.missing_pages_base:  # listed with -v, as the links that go to that guide
        numbers = ", ".join(map(str, unused))
        report.sent(
            where,
            f"GUIDE_CHAPTERS names chapters this site has no page in ({numbers}); "
            "they are the complete guide's",
        )
        return
    for number in unused:
        report.warning(
            where,
            f"GUIDE_CHAPTERS names chapter {number} ({config.chapters[number]!r}), which has no page; "
            f"a page's sortorder starting with {number:02d} puts it there",
        )
