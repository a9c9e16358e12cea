"""The guide's order and sidebar, worked out once per build; templates only print it.

The rule, for the current page P: for each chapter, by number, its `toc: true` pages by
position (or, when it has none, one unlinked heading from GUIDE_CHAPTERS, else
"Chapter N"); in P's chapter, under its first entry, its other pages by position. In a
chapter with sections (GUIDE_SECTIONS), those are the sections, each a link to its first
page, and under P's own section that section's other pages. Labels are sidebartitles,
verbatim. Pages sharing a sortorder are ordered by slug.

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


@dataclass(eq=False)
class Entry:
    """One line of the navigation: a page's link, or a chapter's heading (url None)."""

    label: str
    url: str | None
    page: Any = None
    children: list[Entry] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class Item:
    """An entry as one page's sidebar shows it: `open` for a group that holds the current page."""

    entry: Entry
    current: bool
    children: tuple[Item, ...] = ()
    open: bool = False


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


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def order_key(page):
    """Guide order: by sortorder, and pages that share one by slug."""
    return (page.sortorder, page.slug)


def _lines(entries) -> list:
    return [(entry.label, entry.url) for entry in entries]


class Guide:
    def __init__(self, pages, chapter_titles: Mapping[int, str], sections: Mapping[int, int]):
        ordered = sorted(pages, key=order_key)
        self.chapters: list[Chapter] = []
        for number, members in groupby(ordered, key=lambda page: page.sortorder.chapter):
            members = list(members)
            tocs = [Entry(page.sidebartitle, page.url, page) for page in members if page.toc]
            others = [page for page in members if not page.toc]
            heading = [Entry(chapter_titles.get(number, f"Chapter {number}"), None)]
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
            entry
            for chapter in self.chapters
            for entry in self.chapter_lines(chapter)
            if entry.page is not None
        ]
        self._tops = _digest([_lines(chapter.entries) for chapter in self.chapters])
        self._views: dict[tuple, tuple] = {}
        self._opened: dict[tuple, tuple] = {}
        self.digest = _digest(self._tops, [_lines(self.chapter_lines(chapter)) for chapter in self.chapters])

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
            Item(entry, False, tuple(item(child) for child in chapter.under) if index == 0 else ())
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

    def page_nav(self, page, position: int | None) -> PageNav:
        """The sidebar and pager of a page at `position` in the reading order (None: hidden)."""
        previous = self.reading_order[position - 1] if position else None
        following = (
            self.reading_order[position + 1]
            if position is not None and position + 1 < len(self.reading_order)
            else None
        )
        view_digest = self._view(page.sortorder.chapter, page.sortorder.section)[2]
        digest = _digest(
            view_digest,
            page.url,
            [(entry.label, entry.url) if entry else None for entry in (previous, following)],
        )
        return PageNav(self.sidebar(page), previous, following, digest)


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
    """Groups of pages that share a sortorder, each ordered by slug."""
    ordered = sorted(pages, key=order_key)
    groups = [list(group) for _, group in groupby(ordered, key=lambda page: page.sortorder)]
    return [group for group in groups if len(group) > 1]
