"""The guide as chapters of pages in sortorder, and what each page's sidebar lists."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any, Mapping, NamedTuple


@dataclass(frozen=True, eq=False)
class Chapter:
    number: int
    title: str
    landing: Any | None  # the page with `toc: true`, if the chapter has one
    pages: tuple  # the chapter's other pages, by position

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


class SidebarEntry(NamedTuple):
    """One line of a page's sidebar, as the check expects to find it."""

    label: str
    url: str | None  # the page's URL, or None for a chapter heading without a landing page
    current: bool
    depth: int  # 0 for a chapter, 1 for a page inside the current chapter


@dataclass(frozen=True, eq=False)
class Guide:
    chapters: tuple[Chapter, ...]
    pages: tuple  # every page in reading order: by chapter, landing page first

    @classmethod
    def from_pages(cls, pages, chapter_titles: Mapping[int, str]) -> "Guide":
        by_sortorder = sorted(pages, key=lambda page: page.sortorder)
        chapters = []
        for number, members in groupby(by_sortorder, key=lambda page: page.sortorder.chapter):
            members = list(members)
            landing = next((page for page in members if page.toc), None)
            if landing is not None:
                title = landing.sidebartitle
            else:
                title = chapter_titles.get(number, f"Chapter {number}")
            others = tuple(page for page in members if page is not landing)
            chapters.append(Chapter(number, title, landing, others))
        # Reading order: chapter by chapter, the landing page first.
        ordered = tuple(
            page
            for chapter in chapters
            for page in ((chapter.landing,) if chapter.landing else ()) + chapter.pages
        )
        return cls(chapters=tuple(chapters), pages=ordered)

    def sidebar_rows(self) -> tuple:
        """Each chapter's label and landing page URL, and its other pages' labels and URLs:
        plain tuples that any page's sidebar follows from, read off the pages once."""
        rows = self.__dict__.get("_rows")
        if rows is None:
            rows = tuple(
                (
                    chapter.label,
                    chapter.landing.url if chapter.landing is not None else None,
                    tuple((member.sidebartitle, member.url) for member in chapter.pages),
                )
                for chapter in self.chapters
            )
            object.__setattr__(self, "_rows", rows)  # a cache on a frozen dataclass
        return rows


def sidebar_from_rows(rows, chapter_position: int | None, page_url: str | None) -> list[SidebarEntry]:
    """The sidebar of the page at `page_url` in the chapter at `chapter_position` (None for a
    page outside the guide). Page URLs are unique, so the URL tells which entry is current."""
    entries = []
    for position, (label, landing_url, members) in enumerate(rows):
        entries.append(SidebarEntry(label, landing_url, landing_url is not None and landing_url == page_url, 0))
        if position == chapter_position:
            entries += [SidebarEntry(title, url, url == page_url, 1) for title, url in members]
    return entries
