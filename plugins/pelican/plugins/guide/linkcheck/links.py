"""The built site's external links, each with the source file, line and text an author
edits: every `href` and `src` that leaves the site, read from the written HTML (what readers
get) and found again in the page's Markdown (where the author fixes it)."""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

import lxml.html

from ..report import display_path

# Elements whose href or src a browser follows or loads.
_TAGS = ("a", "area", "img", "link", "script", "iframe", "source", "video", "audio", "track", "embed")
_SKIPPED_FOLDERS = ("pagefind",)  # the search index: no links an author wrote
# The build's own pages, whatever their size and nesting: lxml's defaults would drop what
# lies past a 10 MB text run or 255 levels, and the links there with it.
_PARSER = lxml.html.HTMLParser(huge_tree=True)


@dataclass(frozen=True)
class Link:
    source: str  # the file to edit, as the author types it
    line: int | None  # None: not found in a source (a theme link, a page without a map)
    text: str  # the link's text, or an image's alt
    url: str  # absolute, with its #fragment
    where: str = ""  # for a link without a line: the written pages it is on

    @property
    def target(self) -> str:
        """What is asked: the URL without its fragment (one request for all its fragments)."""
        return urldefrag(self.url).url

    @property
    def fragment(self) -> str:
        return urldefrag(self.url).fragment


def external(value: str) -> str | None:
    """An absolute http(s) URL for a link that leaves the site, or None."""
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


class SourceText:
    """A Markdown file, and where the links found so far sat in it: the nth link to a URL in
    the page is the nth time the source spells it."""

    def __init__(self, path: str):
        with open(path, encoding="utf-8", errors="replace") as source:
            self.text = source.read()
        self.line_starts = [0] + [index + 1 for index, char in enumerate(self.text) if char == "\n"]
        self.cursor: dict[str, int] = {}

    def line_of(self, spellings: list[str]) -> int | None:
        for spelling in spellings:
            start = self.cursor.get(spelling, 0)
            found = self.text.find(spelling, start)
            if found < 0 and start:
                found = self.text.find(spelling)
            if found >= 0:
                self.cursor[spelling] = found + len(spelling)
                return bisect.bisect_right(self.line_starts, found)
        return None


def spellings(raw: str, missing_pages_base: str | None) -> list[str]:
    """How the source may spell a link the HTML holds: as is, with `&amp;` (raw HTML), or,
    for a link the build sent to the complete guide, as the root path the author wrote."""
    found = [raw, raw.replace("&", "&amp;")]
    if missing_pages_base and raw.startswith(missing_pages_base):
        found.append("/" + raw[len(missing_pages_base) :].lstrip("/"))
    return list(dict.fromkeys(spelling for spelling in found if spelling))


def _text(element) -> str:
    text = element.get("alt", "") if element.tag == "img" else element.text_content()
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"


def page_links(html: bytes, own: tuple[str, ...]) -> list[tuple[str, str, str, bool]]:
    """(as written, absolute URL, text, in the page's text) of each external link of one
    page, in order. The page's text is the theme's `<div class="page-body">`; the rest of
    the page (sidebar, header, edit link) is the theme's."""
    try:
        document = lxml.html.fromstring(html, parser=_PARSER)
    except (ValueError, lxml.etree.ParserError):
        return []
    # The list keeps these elements' proxies alive, so their ids stay theirs.
    body = [element for division in document.find_class("page-body") for element in division.iter(_TAGS)]
    in_body = {id(element) for element in body}
    found = []
    for element in document.iter(_TAGS):
        for attribute in ("href", "src"):
            raw = element.get(attribute)
            url = external(raw) if raw else None
            if url and not url.startswith(own):
                found.append((raw.strip(), url, _text(element), id(element) in in_body))
    return found


def collect(
    output: str,
    sources: dict[str, str] | None,
    own: tuple[str, ...],
    missing_pages_base: str | None,
    theme: str,
) -> tuple[list[Link], list[str]]:
    """Every external link of the site in `output`, and the pages that were gone by the
    time they were read (a build swapped in a new site meanwhile). `sources` maps written
    pages to their Markdown; `own` are the site's own addresses, never asked."""
    links: list[Link] = []
    gone: list[str] = []
    elsewhere: dict[tuple[str, str], list[str]] = {}  # links from the theme: (url, text) -> pages
    for folder, subfolders, files in os.walk(output):
        subfolders[:] = sorted(
            name for name in subfolders if not (folder == output and name in _SKIPPED_FOLDERS)
        )
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, output).replace(os.sep, "/")
            try:
                with open(path, "rb") as page:
                    found = page_links(page.read(), own)
            except FileNotFoundError:
                gone.append(display_path(path))
                continue
            source_path = (sources or {}).get(relative)
            try:
                source = SourceText(source_path) if source_path and found else None
            except OSError:  # moved or deleted since the build
                source = None
            for raw, url, text, in_body in found:
                if source is not None and in_body:
                    line = source.line_of(spellings(raw, missing_pages_base))
                    links.append(Link(display_path(source_path), line, text, url, "" if line else relative))
                elif sources is None or (in_body and source_path is None):  # no map: the written page
                    links.append(Link(display_path(path), None, text, url, relative))
                else:
                    elsewhere.setdefault((url, text), []).append(relative)
    theme_source = display_path(os.path.join(theme, "templates"))
    for (url, text), pages in elsewhere.items():
        where = pages[0] if len(pages) == 1 else f"{pages[0]} and {len(pages) - 1} other pages"
        links.append(Link(theme_source, None, text, url, where))
    return links, gone
