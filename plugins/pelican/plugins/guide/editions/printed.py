"""print.html: the whole guide as one page, to print or to save as PDF from a browser.

The contents come first, then each chapter from a new sheet, its pages in reading order,
each an <article> whose id is its address without ".html" (`servers.html` is
`#servers`). Every id of a page is put under its page's (`#servers/nginx`), since pages'
heading ids collide once they share one document, and every link to a page of the guide
becomes a link inside print.html. The theme's template (print.html) lays it out; the
theme's print stylesheet (css/90-print.css) writes the link addresses and wraps code, and
editions/print.css, in print.html alone, gives the sheets.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import quote

from markupsafe import Markup

from .bodies import Converted, Site, Target, convert

PAGE = "print.html"
TEMPLATE = "print.html"


def anchor(url: str) -> str:
    """The id of a page's <article> in print.html."""
    return posixpath.splitext(url)[0]


def inner_id(url: str, value: str) -> str:
    """The id, in print.html, of the element with id `value` on the page at `url`."""
    return f"{anchor(url)}/{value}"


@dataclass(frozen=True)
class Line:
    """A line of print.html's contents: a page's link (href "#..."), or a chapter's heading."""

    label: str
    href: str | None
    children: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Article:
    anchor: str
    title: str
    lang: str | None  # when the page's language is not the guide's
    body: Markup


@dataclass
class Chapter:
    heading: str | None  # a chapter without a `toc: true` page opens with its heading
    articles: list[Article] = field(default_factory=list)


def contents(guide) -> tuple[Line, ...]:
    """The contents page's tree, each page a link to its place in print.html."""

    def line(item) -> Line:
        entry = item.entry
        href = f"#{anchor(entry.url)}" if entry.url is not None else None
        return Line(entry.label, href, tuple(line(child) for child in item.children))

    return tuple(line(item) for item in guide.tree())


def _page_href(target: Target) -> str:
    return "#" + (inner_id(target.path, target.fragment) if target.fragment else anchor(target.path))


def _file_href(target: Target) -> str:
    """A file of the site, from print.html at the site's root."""
    return quote(target.path) + (f"#{target.fragment}" if target.fragment else "")


def chapters(guide, site: Site, language: str) -> tuple[list[Chapter], list[tuple[object, Converted]]]:
    """Every chapter with its pages' bodies made for print.html, and what each page lost."""
    found, problems = [], []
    for chapter in guide.chapters:
        first = chapter.entries[0]
        current = Chapter(first.label if first.page is None else None)
        for entry in guide.chapter_lines(chapter):
            page = entry.page
            if page is None:
                continue
            converted = convert(
                page._content,
                page.url,
                site,
                page_link=_page_href,
                file_link=_file_href,
                image_source=lambda path: (path if "://" in path else quote(path), ""),
                own_id=lambda value, url=page.url: inner_id(url, value),
                xhtml=False,
            )
            if converted.missing:
                problems.append((page, converted))
            lang = page.lang if page.lang and page.lang != language else None
            current.articles.append(Article(anchor(page.url), page.title, lang, Markup(converted.html)))
        found.append(current)
    return found, problems
