"""sitemap.xml and robots.txt, as bytes: the sitemaps protocol 0.9, built with a real XML writer."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable
from xml.etree import ElementTree

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def w3c_datetime(moment: datetime) -> str:
    """The W3C Datetime form sitemaps ask for, in UTC: 2024-05-01T12:00:00+00:00."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def sitemap_xml(urls: Iterable[tuple[str, datetime | None]]) -> bytes:
    """A <urlset> with one <url> per (absolute location, last modification or None)."""
    urlset = ElementTree.Element("urlset", xmlns=NAMESPACE)
    for location, modified in urls:
        url = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(url, "loc").text = location  # the writer escapes & and <
        if modified is not None:
            ElementTree.SubElement(url, "lastmod").text = w3c_datetime(modified)
    ElementTree.indent(urlset)
    return ElementTree.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(sitemap_url: str) -> bytes:
    """Every crawler may read everything; the sitemap says where the pages are."""
    return f"User-agent: *\nDisallow:\n\nSitemap: {sitemap_url}\n".encode("utf-8")
