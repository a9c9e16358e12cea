"""The guide's order and sidebar, worked out once per build; templates only print it.

The rule, for the current page P: for each chapter, by number, its `toc: true` pages by
position (or, when it has none, one unlinked heading from GUIDE_CHAPTERS, else
"Chapter N", a link to the chapter's place on the contents page); in P's chapter, under
its first entry, its other pages by position. In a chapter with sections (GUIDE_SECTIONS),
those are the sections, each a link to its first page, and under P's own section that
section's other pages. Labels are sidebartitles, verbatim. Pages sharing a sortorder are
ordered by slug.

The home page (the page whose slug is `index`, written at index.html) stands before the
chapters: first in the reading order, in no chapter of the sidebar. It lists each chapter
with a line (its first page's description). Every other page has a breadcrumb: its
chapter's first entry, then its section's first page when it is in a section.

A line with lines under it is a group the theme can fold: it is open exactly when it holds
the current page (for a hidden page, the chapter and section it belongs to); the table of
contents, which has no current page, shows every group closed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from .fields import HOME_SLUG  # the home page's slug: Pelican writes it at index.html

CONTENTS = "table-of-contents.html"


def chapter_anchor(number: int) -> str:
    """The id of a chapter's heading on the contents page."""
    return f"chapter-{number}"


def is_home(page) -> bool:
    return page.slug == HOME_SLUG


@dataclass(eq=False)
class Entry:
    """One line of the navigation: a page's link, or a chapter's heading (url None), which
    links to the chapter's place on the contents page (`chapter`)."""

    label: str
    url: str | None
    page: Any = None
    children: list[Entry] = field(default_factory=list)
    chapter: int | None = None

    @property
    def href(self) -> str:
        """Where the line leads, from the site's root."""
        return self.url if self.url is not None else f"{CONTENTS}#{chapter_anchor(self.chapter)}"


@dataclass(frozen=True, eq=False)
class ChapterLine:
    """A chapter as the home page lists it: its first line, and a line of text."""

    entry: Entry
    text: str


@dataclass(frozen=True, eq=False)
class Item:
    """An entry as one page's sidebar shows it: `open` for a group that holds the current page."""

    entry: Entry
    current: bool
    children: tuple[Item, ...] = ()
    open: bool = False
    anchor: str | None = None  # on the contents page: the id of a chapter's first line


@dataclass(eq=False)
class Chapter:
    number: int
    entries: list[Entry]  # the top-level lines: its toc pages, or its heading
    under: list[Entry]  # what goes under its first entry: its other pages, or its sections
    sectioned: bool


@dataclass(frozen=True, eq=False)
class PageNav:
    """What a page's templates print around its text."""

    sidebar: tuple[Item, ...]
    previous: Entry | None
    next: Entry | None
    digest: str  # everything above, for the incremental writer
    breadcrumb: tuple[Entry, ...] = ()  # the page's chapter, and its section, above its title


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def order_key(page):
    """Guide order: by sortorder, and pages that share one by slug."""
    return (page.sortorder, page.slug)


def _lines(entries) -> list:
    return [(entry.label, entry.href) for entry in entries]


class Guide:
    def __init__(self, pages, chapter_titles: Mapping[int, str], sections: Mapping[int, int]):
        homes = [page for page in pages if is_home(page)]
        self.home: Entry | None = Entry(homes[0].sidebartitle, homes[0].url, homes[0]) if homes else None
        ordered = sorted((page for page in pages if not is_home(page)), key=order_key)
        self.chapters: list[Chapter] = []
        for number, members in groupby(ordered, key=lambda page: page.sortorder.chapter):
            members = list(members)
            tocs = [Entry(page.sidebartitle, page.url, page) for page in members if page.toc]
            others = [page for page in members if not page.toc]
            heading = [Entry(chapter_titles.get(number, f"Chapter {number}"), None, chapter=number)]
            if number in sections:
                under = []
                for _, in_section in groupby(others, key=lambda page: page.sortorder.section):
                    first, *rest = in_section
                    under.append(
                        Entry(
                            first.sidebartitle,
                            first.url,
                            first,
                            [Entry(p.sidebartitle, p.url, p) for p in rest],
                        )
                    )
            else:
                under = [Entry(page.sidebartitle, page.url, page) for page in others]
            self.chapters.append(Chapter(number, tocs or heading, under, number in sections))
        self.reading_order: list[Entry] = [
            *([self.home] if self.home else []),
            *(
                entry
                for chapter in self.chapters
                for entry in self.chapter_lines(chapter)
                if entry.page is not None
            ),
        ]
        self._tops = _digest([_lines(chapter.entries) for chapter in self.chapters])
        self._views: dict[tuple, tuple] = {}
        self._opened: dict[tuple, tuple] = {}
        self.chapter_summary = tuple(
            ChapterLine(chapter.entries[0], _chapter_text(chapter)) for chapter in self.chapters
        )
        self.start = next((entry for entry in self.reading_order if entry is not self.home), None)
        # The home page's (or the theme's own home's) chapter lines are in it too.
        self.summary_digest = _digest(
            [(line.entry.label, line.entry.href, line.text) for line in self.chapter_summary],
            self.start and self.start.url,
        )
        self.digest = _digest(
            self._tops,
            [_lines(self.chapter_lines(chapter)) for chapter in self.chapters],
            self.summary_digest,
            self.home and self.home.url,
        )

    @staticmethod
    def chapter_lines(chapter: Chapter) -> list[Entry]:
        """The chapter's entries in reading order: first entry, what is under it, the rest."""
        under = [line for entry in chapter.under for line in (entry, *entry.children)]
        return [chapter.entries[0], *under, *chapter.entries[1:]]

    def tree(self) -> tuple[Item, ...]:
        """Every chapter with everything under it: the table of contents."""

        def item(entry: Entry) -> Item:
            return Item(entry, False, tuple(item(child) for child in entry.children))

        return tuple(
            Item(
                entry,
                False,
                tuple(item(child) for child in chapter.under) if index == 0 else (),
                anchor=chapter_anchor(chapter.number) if index == 0 else None,
            )
            for chapter in self.chapters
            for index, entry in enumerate(chapter.entries)
        )

    def _view(self, chapter_number: int | None, section: int | None) -> tuple[tuple[Item, ...], dict, str]:
        """The sidebar of every page of one chapter and section, before marking the current
        page: its items, where each page's item is, and a digest of its lines. Made once."""
        key = (chapter_number, section)
        if key not in self._views:
            items: list[Item] = []
            paths: dict[int, tuple] = {}
            own: list = []
            for chapter in self.chapters:
                for index, entry in enumerate(chapter.entries):
                    children: tuple = ()
                    if index == 0 and chapter.number == chapter_number:
                        lines = []
                        own.append(_lines(chapter.under))
                        for position, line in enumerate(chapter.under):
                            grand: tuple = ()
                            if chapter.sectioned and line.page.sortorder.section == section:
                                grand = tuple(Item(child, False) for child in line.children)
                                own.append(_lines(line.children))
                                for inner, child in enumerate(line.children):
                                    paths[id(child.page)] = (len(items), position, inner)
                            paths[id(line.page)] = (len(items), position)
                            lines.append(Item(line, False, grand))
                        children = tuple(lines)
                    if entry.page is not None:
                        paths[id(entry.page)] = (len(items),)
                    items.append(Item(entry, False, children))
            self._views[key] = (tuple(items), paths, _digest(self._tops, own))
        return self._views[key]

    def sidebar(self, page=None) -> tuple[Item, ...]:
        """The sidebar of `page` (None for a page outside the guide: the index, the 404)."""
        if page is None:
            return self._view(None, None)[0]
        key = (page.sortorder.chapter, page.sortorder.section)
        items, paths, _ = self._view(*key)
        path = paths.get(id(page))
        if path:
            return _marked(items, path)
        # A hidden page: its chapter (and section) are shown open, nothing is marked.
        if key not in self._opened:
            self._opened[key] = tuple(_opened(item) for item in items)
        return self._opened[key]

    def summarised(self, page) -> bool:
        """Whether the home page lists `page`'s description as its chapter's line."""
        return any(line.entry.page is page for line in self.chapter_summary)

    def breadcrumb(self, page) -> tuple[Entry, ...]:
        """The lines above `page`: its chapter's first entry, then its section's first page
        (when the page is in a section and not that page); none for a line of its own at
        the top of the sidebar, or the home page."""
        if self.home is not None and page is self.home.page:
            return ()
        chapter = next((c for c in self.chapters if c.number == page.sortorder.chapter), None)
        if chapter is None or any(entry.page is page for entry in chapter.entries):
            return ()
        crumbs = [chapter.entries[0]]
        if chapter.sectioned:
            section = next(
                (line for line in chapter.under if line.page.sortorder.section == page.sortorder.section),
                None,
            )
            if section is not None and section.page is not page:
                crumbs.append(section)
        return tuple(crumbs)

    def page_nav(self, page, position: int | None) -> PageNav:
        """The sidebar and pager of a page at `position` in the reading order (None: hidden)."""
        previous = self.reading_order[position - 1] if position else None
        following = (
            self.reading_order[position + 1]
            if position is not None and position + 1 < len(self.reading_order)
            else None
        )
        home = self.home is not None and page is self.home.page
        view_digest = self._view(None, None)[2] if home else self._view(*_place(page))[2]
        crumbs = self.breadcrumb(page)
        digest = _digest(
            view_digest,
            page.url,
            [(entry.label, entry.url) if entry else None for entry in (previous, following)],
            _lines(crumbs),
            self.summary_digest if home else None,
        )
        sidebar = self.sidebar(None) if home else self.sidebar(page)
        return PageNav(sidebar, previous, following, digest, crumbs)


def _place(page) -> tuple[int, int]:
    return page.sortorder.chapter, page.sortorder.section


def _chapter_text(chapter: Chapter) -> str:
    """A chapter's line on the home page: its first page's description, or how many pages
    (and sections) it holds."""
    first = chapter.entries[0].page
    if first is not None:
        return first.description
    pages = sum(1 + len(line.children) for line in chapter.under)
    sections = f" in {len(chapter.under)} sections" if chapter.sectioned else ""
    return f"{pages} page{'s' if pages != 1 else ''}{sections}."


def _marked(items: tuple[Item, ...], path: tuple) -> tuple[Item, ...]:
    """`items` with the item at `path` marked current and every group on the way to it
    (itself too, when it has lines under it) open; only that path's tuples are copied."""
    index, rest = path[0], path[1:]
    item = items[index]
    if rest:
        marked = Item(item.entry, item.current, _marked(item.children, rest), True)
    else:
        marked = Item(item.entry, True, item.children, bool(item.children))
    return (*items[:index], marked, *items[index + 1 :])


def _opened(item: Item) -> Item:
    """`item` with every group in it open."""
    if not item.children:
        return item
    return Item(item.entry, item.current, tuple(_opened(child) for child in item.children), True)


def ties(pages) -> list[list]:
    """Groups of pages that share a sortorder, each ordered by slug (the home page has none)."""
    ordered = sorted((page for page in pages if not is_home(page)), key=order_key)
    groups = [list(group) for _, group in groupby(ordered, key=lambda page: page.sortorder)]
    return [group for group in groups if len(group) > 1]
