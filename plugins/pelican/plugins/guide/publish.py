"""What a public copy of the site has besides its pages (GUIDE_PUBLISH, set by
publishconf.py): `sitemap.xml`, `robots.txt` pointing to it, and a `.gz` and a `.br`
copy beside each text file, kept only when smaller than it (Brotli at its densest, but for
a file of megabytes). The same sources give the same bytes: each page's `<lastmod>` is the
date of the last commit that touched its source, gzip writes no name and no time, Brotli
runs at a quality fixed by the file's size.
"""

from __future__ import annotations

import gzip
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import brotli

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
GZIP_LEVEL = 9
BROTLI_QUALITY = 11  # the densest: made once per publish, read many times
# Brotli's densest takes about 1.5 s a megabyte; print.html, the whole guide on one page
# (editions/), is tens of megabytes. Above this size the next quality down, fifty times
# faster for a file about a tenth larger.
BROTLI_LARGE = 1_000_000
BROTLI_LARGE_QUALITY = 9


def sitemap_xml(pages: list[tuple[str, datetime | None]]) -> bytes:
    """A <urlset> with one <url> per (absolute address, last change or None)."""
    urlset = ElementTree.Element("urlset", xmlns=SITEMAP_NAMESPACE)
    for location, modified in pages:
        url = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(url, "loc").text = location  # the writer escapes & and <
        if modified is not None:
            moment = modified.astimezone(UTC).isoformat(timespec="seconds")
            ElementTree.SubElement(url, "lastmod").text = moment
    ElementTree.indent(urlset)
    return ElementTree.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(sitemap_url: str) -> bytes:
    return f"User-agent: *\nDisallow:\n\nSitemap: {sitemap_url}\n".encode()


def write_publishing_files(output: str, public_url: str, pages, contents_pages=()) -> int:
    """sitemap.xml (every guide page, by address, with its date; the pages that list them,
    with the latest date) and robots.txt."""
    dates = [page.updated for page in pages if getattr(page, "updated", None)]
    listed = [(public_url + quote(page.url), getattr(page, "updated", None)) for page in pages]
    listed += [(public_url + quote(path), max(dates, default=None)) for path in contents_pages]
    listed.sort(key=lambda entry: entry[0])
    Path(output, "sitemap.xml").write_bytes(sitemap_xml(listed))
    Path(output, "robots.txt").write_bytes(robots_txt(public_url + "sitemap.xml"))
    return len(listed)


def brotli_quality(size: int) -> int:
    return BROTLI_QUALITY if size <= BROTLI_LARGE else BROTLI_LARGE_QUALITY


def _compress(path: Path) -> int:
    data = path.read_bytes()
    written = 0
    for suffix, blob in (
        (".gz", gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)),
        (".br", brotli.compress(data, mode=brotli.MODE_TEXT, quality=brotli_quality(len(data)))),
    ):
        if len(blob) < len(data):
            path.with_name(path.name + suffix).write_bytes(blob)
            written += 1
    return written


def precompress(output: str, extensions) -> int:
    """A .gz and a .br copy beside every file with one of `extensions`; copies made."""
    wanted = {extension.lower() for extension in extensions}
    paths = sorted(
        path for path in Path(output).rglob("*") if path.suffix.lower() in wanted and path.is_file()
    )
    # zlib and brotli release the GIL while they work: threads use every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return sum(pool.map(_compress, paths))
