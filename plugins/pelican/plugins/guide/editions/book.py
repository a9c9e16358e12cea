"""The EPUB: every listed page in the guide's order, its contents (nav.xhtml) the same
tree as the contents page, made with EbookLib.

Inside the book, under EPUB/: `nav.xhtml` (the contents, first in the reading order),
`book.css`, and `site/`, which mirrors the site: `servers.html` is `site/servers.xhtml`,
`img/logo.png` is `site/img/logo.png`, so a page's relative links keep their shape. The
same sources give the same bytes: the date is the guide's (never the clock), the
identifier comes from the settings, and every file in the zip carries that date.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from io import BytesIO

from ebooklib import epub

from .bodies import Converted, Site, Target, book_id, convert, relative

FOLDER = "site/"  # the pages and files of the site, inside the book's EPUB/ folder
STYLESHEET = "book.css"
NAV = "nav.xhtml"
# The image types every EPUB reader shows (EPUB 3.3, core media types).
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
_COMPRESSED = (".png", ".jpg", ".jpeg", ".gif", ".webp")  # stored as they are: deflate gains nothing


@dataclass(frozen=True)
class BookInfo:
    title: str
    description: str
    author: str
    language: str
    identifier: str
    date: datetime  # in UTC


def document(url: str) -> str:
    """Where a page of the site is in the book."""
    return FOLDER + posixpath.splitext(url)[0] + ".xhtml"


def contents(guide) -> list:
    """The book's contents as EbookLib takes it: the guide's contents tree, each line a
    link to its page's document, a chapter heading without a page a plain heading."""

    def line(item):
        entry = item.entry
        href = document(entry.url) if entry.url is not None else ""
        if item.children:
            return (epub.Section(entry.label, href), [line(child) for child in item.children])
        return epub.Link(href, entry.label, f"nav-{document(entry.url)}")

    return [line(item) for item in guide.tree()]


def reading_order(guide) -> list:
    """The guide's pages in reading order: the book's spine after its contents."""
    return [entry.page for entry in guide.reading_order if entry is not guide.home]


class _FixedDateZip(zipfile.ZipFile):
    """A zip whose every entry carries one date and plain permissions, with images stored
    as they are: the same book gives the same bytes."""

    def __init__(self, file, date_time: tuple, **kwargs):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, **kwargs)
        self.date_time = date_time

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        if isinstance(name, zipfile.ZipInfo):
            name = name.filename
        entry = zipfile.ZipInfo(name, date_time=self.date_time)
        entry.external_attr = 0o644 << 16
        stored = name == "mimetype" or name.lower().endswith(_COMPRESSED)
        entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        super().writestr(entry, data, compresslevel=compresslevel)


class _ReproducibleWriter(epub.EpubWriter):
    """EbookLib's writer (EbookLib is pinned: this follows its EpubWriter.write), into a
    zip of fixed dates."""

    def write(self):
        moment = max(self.options["mtime"], datetime(1980, 1, 1))  # the zip format starts in 1980
        self.out = _FixedDateZip(
            self.file_name, moment.timetuple()[:6], compresslevel=self.options["compresslevel"]
        )
        self.out.writestr("mimetype", "application/epub+zip")
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()

    def _write_opf_spine(self, root, ncx_id):
        """The spine; its `toc` attribute names an EPUB 2 NCX, which this book, an EPUB 3
        with nav.xhtml, does not carry: left out (EbookLib writes toc="ncx" regardless)."""
        super()._write_opf_spine(root, ncx_id)
        if ncx_id is None:
            root.find("spine").attrib.pop("toc", None)


def make_book(
    info: BookInfo,
    guide,
    site: Site,
    image_file: Callable[[str], str | None],
    stylesheet: str,
) -> tuple[bytes, list[tuple[object, Converted]]]:
    """The EPUB's bytes, and what each page lost on the way (missing or unfit images,
    HTML that was not XHTML). `image_file(site path)` is the image's source file."""
    book = epub.EpubBook()
    book.set_identifier(info.identifier)
    book.set_title(info.title)
    book.set_language(info.language)
    if info.author:
        book.add_author(info.author)
    if info.description:
        book.add_metadata("DC", "description", info.description)
    book.add_metadata("DC", "date", info.date.strftime("%Y-%m-%dT%H:%M:%SZ"))

    style = epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css", content=stylesheet)
    book.add_item(style)
    nav = epub.EpubNav(title="Contents")
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    book.add_item(nav)

    images: dict[str, str] = {}  # site path -> its place in the book, for each image embedded

    def image_source(path: str) -> tuple[str | None, str]:
        if "://" in path:
            return None, "it is on another host"
        media_type = IMAGE_TYPES.get(posixpath.splitext(path)[1].lower())
        if media_type is None:
            kind = posixpath.splitext(path)[1] or "a file without an extension"
            return None, f"{kind} is not an image type every EPUB reader shows (PNG, JPEG, GIF, SVG, WebP)"
        source = image_file(path)
        if source is None:
            return None, "it is not among the site's files"
        images[path] = media_type
        return "", ""

    problems = []
    spine = [nav]
    for number, page in enumerate(reading_order(guide), start=1):
        here = document(page.url)
        converted = convert(
            page._content,
            page.url,
            site,
            page_link=lambda target, here=here: _page_href(target, here),
            file_link=site.published,
            image_source=lambda path, here=here: _embedded(image_source(path), path, here),
            own_id=book_id,
            xhtml=True,
        )
        if converted.missing or converted.left_out or converted.converted:
            problems.append((page, converted))
        item = epub.EpubHtml(
            uid=f"page-{number}",
            file_name=here,
            title=page.title,
            lang=page.lang or info.language,
            content=f"<html><body><h1>{escape(page.title)}</h1>{converted.html}</body></html>",
        )
        item.add_link(href=relative(STYLESHEET, here), rel="stylesheet", type="text/css")
        book.add_item(item)
        spine.append(item)
    for number, (path, media_type) in enumerate(sorted(images.items()), start=1):
        with open(image_file(path), "rb") as source:
            book.add_item(
                epub.EpubImage(
                    uid=f"image-{number}",
                    file_name=FOLDER + path,
                    media_type=media_type,
                    content=source.read(),
                )
            )
    book.toc = contents(guide)
    book.spine = spine
    if len(spine) > 1:
        book.guide = [
            {"type": "toc", "href": NAV, "title": "Contents"},
            {"type": "text", "href": spine[1].file_name, "title": spine[1].title},
        ]
    buffer = BytesIO()
    writer = _ReproducibleWriter(
        buffer, book, {"mtime": info.date.replace(tzinfo=None), "epub3_pages": False, "compresslevel": 9}
    )
    writer.process()
    writer.write()
    return buffer.getvalue(), problems


def _page_href(target: Target, here: str) -> str:
    href = relative(document(target.path), here)
    return href + (f"#{book_id(target.fragment)}" if target.fragment else "")


def _embedded(answer: tuple[str | None, str], path: str, here: str) -> tuple[str | None, str]:
    """The src of an embedded image from the document `here`."""
    new, reason = answer
    return (relative(FOLDER + path, here), "") if new is not None else (None, reason)
