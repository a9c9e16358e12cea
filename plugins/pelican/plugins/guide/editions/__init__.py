"""The whole guide to read offline (GUIDE_EDITIONS): an EPUB (book.py) and print.html
(printed.py), made from the pages the build has just settled, in the guide's order, with
its chapters and sections.

`make(...)` is called once a build has settled every page's links and before anything is
rendered, so the contents pages can give the EPUB's size; it takes what the build already
has (the guide's navigation, the pages' bodies, the files it writes) and returns the
editions as values: the files' bytes and the downloads the theme lists. The check proves
both with its own code (check/editions.py).

What an edition cannot hold is reported once, naming the page's source: an image the site
lacks (unless the site's own warning said so already), an image a book cannot carry, HTML
the book cannot write as XHTML.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pygments.formatters import HtmlFormatter

from .. import report
from ..check.editions import EditionFacts
from ..digests import digest
from ..files import write_atomically
from ..gitdates import source_date_epoch
from ..markdown_ext import style_by_name
from ..writer import template_variables
from . import book, printed
from .bodies import Site

EPUB_TYPE = "application/epub+zip"
BOOK_STYLESHEET = Path("editions", "book.css")  # in the theme folder


@dataclass(frozen=True)
class Download:
    """One edition, as the contents pages offer it."""

    kind: str  # "epub" or "print"
    label: str
    url: str  # its path in the site
    size: str  # "2.4 MB"; "" for print.html, which is a page
    media_type: str  # "" for print.html


@dataclass(frozen=True)
class Editions:
    files: Mapping[str, bytes]  # site path -> bytes
    downloads: tuple[Download, ...]
    date: datetime
    digest: str  # of every file: what the contents pages' download line is made from


def epub_path(config) -> str:
    return f"{config.edition_name}.epub"


def planned(config) -> list[str]:
    """The site paths the editions asked for will be written at."""
    return [
        path
        for kind, path in (("epub", epub_path(config)), ("print", printed.PAGE))
        if kind in config.editions
    ]


def facts(config, settings) -> EditionFacts:
    """What the check is told of the editions: the settings' values, nothing it made."""
    return EditionFacts(
        book=epub_path(config) if "epub" in config.editions else None,
        printed="print" in config.editions,
        title=settings["SITENAME"],
        language=settings.get("DEFAULT_LANG") or "en",
        identifier=config.edition_identifier,
    )


def size_text(size: int) -> str:
    """A file's size as a reader reads it: "840 kB", "12.3 MB" (SI units, as browsers show)."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1_000_000:.1f} MB"


def edition_date(pages) -> datetime:
    """The editions' date, never the clock's: SOURCE_DATE_EPOCH when set, else the newest
    page's last commit, else its source file's last change."""
    fixed = source_date_epoch()
    if fixed is not None:
        return fixed
    dates = [page.updated for page in pages if getattr(page, "updated", None)]
    if dates:
        return max(dates).astimezone(UTC).replace(microsecond=0)
    newest = max((os.stat(page.source_path).st_mtime for page in pages), default=0)
    return datetime.fromtimestamp(int(newest), tz=UTC)


def book_stylesheet(theme: str, pygments_style: str) -> str:
    """The theme's book stylesheet, then the highlighting of code in the light style (an
    e-reader shows books light, and turns them dark itself)."""
    path = Path(theme) / BOOK_STYLESHEET
    own = path.read_text(encoding="utf-8") if path.is_file() else ""
    code = HtmlFormatter(style=style_by_name(pygments_style)).get_style_defs(".highlight")
    return f"{own}\n{code}\n"


class _Notes:
    """What the editions could not hold, reported once a page and a thing, naming the page's
    source; an image the site has warned about already (`reported`) is not warned again."""

    def __init__(self, reported: set[tuple[str, str]]):
        self.seen = set(reported)

    def page(self, page, converted) -> None:
        for path in converted.missing:
            if (page.save_as, path) not in self.seen:
                self.seen.add((page.save_as, path))
                self._warn(page, f"image {path} is not in the content folder; the editions show its alt text")
        for path, reason in converted.left_out:
            self._warn(page, f"image {path} is left out of the EPUB: {reason}; it shows the alt text")
        for what in sorted(set(converted.converted)):
            self._warn(page, f"{what}; the EPUB leaves it out (XHTML)")

    @staticmethod
    def _warn(page, message: str) -> None:
        report.warning(page.source_path, message)


def make(
    settings,
    config,
    guide,
    files: set[str],
    image_file: Callable[[str], str | None],
    render: Callable[..., str],
    reported: set[tuple[str, str]],
) -> Editions:
    """The editions GUIDE_EDITIONS asks for. `files`: every site path the build writes;
    `image_file(site path)`: an image's source file; `render(template, **values)`: a theme
    template rendered as a page at the site's root; `reported`: the (page's file, site
    path) pairs the site has warned about already."""
    pages = [entry.page for entry in guide.reading_order if entry is not guide.home]  # the chapters'
    site = Site(frozenset(page.url for page in pages), frozenset(files), config.public_url)
    date = edition_date(pages)
    language = settings.get("DEFAULT_LANG") or "en"
    notes = _Notes(reported)
    made: dict[str, bytes] = {}
    downloads = []
    if "epub" in config.editions:
        started = time.perf_counter()
        info = book.BookInfo(
            title=settings["SITENAME"],
            description=settings.get("SITESUBTITLE") or "",
            author=settings.get("AUTHOR") or "",
            language=language,
            identifier=config.edition_identifier,
            date=date,
        )
        stylesheet = book_stylesheet(settings["THEME"], config.pygments_styles[0])
        data, problems = book.make_book(info, guide, site, image_file, stylesheet)
        for page, converted in problems:
            notes.page(page, converted)
        path = epub_path(config)
        made[path] = data
        downloads.append(Download("epub", "EPUB", path, size_text(len(data)), EPUB_TYPE))
        report.logger.debug("the EPUB took %.3f s", time.perf_counter() - started)
    if "print" in config.editions:
        started = time.perf_counter()
        chapters, problems = printed.chapters(guide, site, language)
        for page, converted in problems:
            notes.page(page, converted)
        edition = {
            "contents": printed.contents(guide),
            "chapters": chapters,
            "author": settings.get("AUTHOR") or "",
        }
        html = render(printed.TEMPLATE, output_file=printed.PAGE, edition={**edition, "date": date})
        made[printed.PAGE] = html.encode("utf-8")
        downloads.append(Download("print", "Print edition", printed.PAGE, "", ""))
        report.logger.debug("print.html took %.3f s", time.perf_counter() - started)
    sizes = {path: len(data) for path, data in made.items()}
    return Editions(made, tuple(downloads), date, digest(downloads, sizes))


def renderer(env, context, settings) -> Callable[..., str]:
    """`render(template, **values)`: a theme template as a page of the site (at its
    `output_file`, else at the template's name), with what the writer gives every file."""

    def render(name: str, **values) -> str:
        local = template_variables(
            context, values.get("output_file", name), settings.get("RELATIVE_URLS"), values
        )
        return env.get_template(name).render(local)

    return render


def make_for_site(generators, config, guide, files, reported) -> Editions:
    """The editions of the site Pelican's `generators` are building, written into its output
    folder, their downloads given to the theme (GUIDE_DOWNLOADS): the build's step after
    its links are settled (plugin.py)."""
    settings, context = generators[0].settings, generators[0].context
    sources = {
        static.save_as: os.path.join(settings["PATH"], static.source_path)
        for generator in generators
        for static in getattr(generator, "staticfiles", ())
    }
    render = renderer(generators[0].env, context, settings)
    made = make(settings, config, guide, files, sources.get, render, reported)
    write(settings["OUTPUT_PATH"], made)
    context["GUIDE_DOWNLOADS"] = made.downloads
    return made


def write(output: str, editions: Editions) -> None:
    for path, data in editions.files.items():
        write_atomically(os.path.join(output, path), data)
