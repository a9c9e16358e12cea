"""What each written page must show, worked out from the typed metadata alone.

This is the check's own, plain implementation of the navigation rule (README,
Navigation). It imports nothing from navigation.py or the theme: the two must agree,
and a bug in either shows up as a difference.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

HOME = "index"  # the home page's slug (it is written at index.html, before the chapters)
CONTENTS = "table-of-contents.html"


class Facts(NamedTuple):
    """A page as its metadata says, plus where Pelican writes it."""

    url: str
    save_as: str
    source: str
    title: str
    sidebartitle: str
    description: str
    chapter: int
    section: int
    position: int
    slug: str
    toc: bool
    listed: bool  # False for hidden pages
    headings: tuple  # (level, id, text) of each h2 and h3
    lang: str = ""  # its <html lang>; "" is not checked


class Row(NamedTuple):
    depth: int  # 0 a chapter's line, 1 a page or section under it, 2 a page of a section
    label: str
    url: str | None  # a chapter heading's: its place on the contents page (CONTENTS#chapter-N)


class HomeLine(NamedTuple):
    """A chapter as the home page lists it."""

    label: str
    url: str
    text: str


def folds(rows: tuple[Row, ...], current: str | None, listed: bool = True) -> tuple[bool | None, ...]:
    """For each row, None when nothing is under it, else whether its group must be open:
    when the current page is its own row or one under it; on a hidden page, always (the
    rule shows the hidden page's chapter and section, and nothing else); on a page outside
    the guide (current None: the contents, the index...), never."""
    found = []
    for index, row in enumerate(rows):
        end = next(
            (after for after in range(index + 1, len(rows)) if rows[after].depth <= row.depth), len(rows)
        )
        if end == index + 1:
            found.append(None)
        elif current is None or not listed:
            found.append(current is not None)
        else:
            found.append(any(line.url == current for line in rows[index:end]))
    return tuple(found)


class Expected:
    def __init__(self, pages: list[Facts], chapter_titles: dict[int, str], sections: dict[int, int]):
        self.titles = chapter_titles
        self.sections = sections
        self.chapters: dict[int, list[Facts]] = {}
        self.home = next((f for f in pages if f.slug == HOME and f.listed), None)
        for facts in sorted(pages, key=lambda f: (f.chapter, f.section, f.position, f.slug)):
            if facts.listed and facts.slug != HOME:
                self.chapters.setdefault(facts.chapter, []).append(facts)
        self._views: dict[tuple, tuple[tuple[Row, ...], str]] = {}
        self._crumb_rows: dict[tuple[int, int], tuple[Row, Row | None]] = {}
        self.contents = self.rows(None, None, everything=True)
        pages_in_order = [row.url for row in self.contents if not row.url.startswith(CONTENTS + "#")]
        self.reading_order = ([self.home.url] if self.home else []) + pages_in_order
        self.chapters_order = pages_in_order  # the editions': the chapters' pages, no home page
        # The editions' contents: as the contents page's, a chapter heading unlinked.
        self.edition_contents = tuple(
            Row(row.depth, row.label, None) if row.url.startswith(CONTENTS + "#") else row
            for row in self.contents
        )
        self._position = {url: index for index, url in enumerate(self.reading_order)}
        self.start = pages_in_order[0] if pages_in_order else None
        self.home_lines = tuple(self._home_line(number, members) for number, members in self.chapters.items())

    def _home_line(self, number: int, members: list[Facts]) -> HomeLine:
        first = self.rows(number, None)
        tocs = [f for f in members if f.toc]
        if tocs:
            return HomeLine(tocs[0].sidebartitle, tocs[0].url, tocs[0].description)
        sections = {f.section for f in members} if number in self.sections else set()
        count = len(members)
        text = f"{count} page{'s' if count != 1 else ''}" + (
            f" in {len(sections)} sections" if sections else ""
        )
        heading = next(row for row in first if row.depth == 0 and row.url.endswith(f"#chapter-{number}"))
        return HomeLine(heading.label, heading.url, text + ".")

    def breadcrumb(self, page: Facts) -> tuple[Row, ...]:
        """The lines above a page: its chapter's first line, then its section's first page
        when it is in a section and not that page; none for a top line or the home page."""
        members = self.chapters.get(page.chapter, [])
        if page.slug == HOME or not members or (page.toc and page.listed):
            return ()
        first, section = self._crumbs(page.chapter, page.section)
        return (first,) if section is None or section.url == page.url else (first, section)

    def _crumbs(self, chapter: int, section: int) -> tuple[Row, Row | None]:
        """A chapter's first line and a section's first page, worked out once for all the
        pages under them (a chapter of 700 pages would otherwise be walked 700 times)."""
        found = self._crumb_rows.get((chapter, section))
        if found is None:
            members = self.chapters[chapter]
            tocs = [f for f in members if f.toc]
            first = (
                Row(0, tocs[0].sidebartitle, tocs[0].url)
                if tocs
                else Row(0, self.titles.get(chapter, f"Chapter {chapter}"), f"{CONTENTS}#chapter-{chapter}")
            )
            pages = (
                [f for f in members if not f.toc and f.section == section] if chapter in self.sections else []
            )
            found = self._crumb_rows[(chapter, section)] = (
                first,
                Row(1, pages[0].sidebartitle, pages[0].url) if pages else None,
            )
        return found

    def rows(self, chapter: int | None, section: int | None, everything: bool = False) -> tuple[Row, ...]:
        rows = []
        for number, members in self.chapters.items():
            tocs = [Row(0, f.sidebartitle, f.url) for f in members if f.toc]
            heading = Row(0, self.titles.get(number, f"Chapter {number}"), f"{CONTENTS}#chapter-{number}")
            firsts = tocs or [heading]
            rows.append(firsts[0])
            if everything or number == chapter:
                others = [f for f in members if not f.toc]
                if number in self.sections:
                    sections: dict[int, list[Facts]] = {}
                    for f in others:
                        sections.setdefault(f.section, []).append(f)
                    for key, group in sections.items():
                        rows.append(Row(1, group[0].sidebartitle, group[0].url))
                        if everything or key == section:
                            rows += [Row(2, f.sidebartitle, f.url) for f in group[1:]]
                else:
                    rows += [Row(1, f.sidebartitle, f.url) for f in others]
            rows += firsts[1:]
        return tuple(rows)

    def sidebar(self, page: Facts | None) -> tuple[tuple[Row, ...], str]:
        """The rows of the page's sidebar (the current one is the row with the page's URL),
        and a digest of them; pages of one chapter and section share the rows."""
        key = (page.chapter, page.section) if page is not None and page.slug != HOME else (None, None)
        if key not in self._views:
            rows = self.rows(*key)
            self._views[key] = (rows, hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest())
        return self._views[key]

    def neighbours(self, page: Facts) -> tuple[str | None, str | None]:
        index = self._position.get(page.url) if page.listed else None
        if index is None:
            return None, None
        before = self.reading_order[index - 1] if index else None
        after = self.reading_order[index + 1] if index + 1 < len(self.reading_order) else None
        return before, after
