"""The checks themselves: written HTML in, one line per problem out. No Pelican here."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Callable, NamedTuple, Sequence
from urllib.parse import urlsplit

from functools import lru_cache

from lxml import etree

# The document is parsed once with lxml; each check then asks XPath for what it needs.
# (BeautifulSoup over lxml took about 15 ms for a page with a 150-entry sidebar;
# lxml's own tree takes well under 1 ms: see the README's performance section.)
SIDEBAR_XPATH = '//nav[@aria-label="Table of contents"]'


@dataclass(frozen=True)
class PageExpectation:
    path: str  # the written file, relative to the output folder: "servers.html"
    title: str  # the whole <title>
    h1: str
    description: str
    sidebar: Sequence  # SidebarEntry-like: label, url (or None), current, depth


class Found(NamedTuple):
    """A sidebar entry as the HTML shows it (a tuple: a sidebar makes hundreds per page)."""

    label: str
    url: str | None  # resolved to a path in the site, or None for a heading
    current: bool
    depth: int

    def describe(self) -> str:
        where = f" -> {self.url}" if self.url else " (heading)"
        return f'"{self.label}"{where}'


def text_of(element) -> str:
    """An element's text, as a reader sees it: every text node, whitespace collapsed."""
    if element is None:
        return ""
    if len(element) == 0:  # the common case, a link with one text node: no XPath needed
        return " ".join((element.text or "").split())
    return " ".join(" ".join(element.xpath(".//text()")).split())


def resolve(href: str, page_path: str, siteurl: str) -> str | None:
    """The site path a link points to, or None when it leaves the site."""
    if "/" in page_path or not href or href[0] in "#?":
        return _resolve(href, page_path, siteurl)
    # Pages at the site root share one answer per link: every sidebar repeats the same ones.
    return _resolve_from_root(href, siteurl)


@lru_cache(maxsize=8192)
def _resolve_from_root(href: str, siteurl: str) -> str | None:
    return _resolve(href, "index.html", siteurl)


def _resolve(href: str, page_path: str, siteurl: str) -> str | None:
    if siteurl and href.startswith(siteurl.rstrip("/") + "/"):
        href = href[len(siteurl.rstrip("/")) :]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page_path
    path = parts.path + ("index.html" if parts.path.endswith("/") else "")
    if path.startswith("/"):
        return posixpath.normpath(path.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path))


def sidebar_entries(nav, page_path: str, siteurl: str) -> list[Found]:
    found = []
    chapters = next(nav.iterdescendants("ol"), None)
    if chapters is None:
        return found
    for depth, link in _entries(chapters, 0):
        href = link.get("href") if link.tag == "a" else None
        found.append(
            Found(
                label=text_of(link),
                url=resolve(href, page_path, siteurl) if href is not None else None,
                current=link.get("aria-current") == "page",
                depth=depth,
            )
        )
    return found


def _entries(ordered_list, depth: int) -> list:
    """(depth, first <a> or <span> child) of each <li>, nested lists after their item.

    One pass over each item's children: a sidebar has a hundred items and more."""
    entries = []
    for item in ordered_list.iterchildren("li"):
        link, nested = None, []
        for child in item:
            if child.tag == "ol":
                nested.append(child)
            elif link is None and child.tag in ("a", "span"):
                link = child
        if link is not None:
            entries.append((depth, link))
        for inner in nested:
            entries += _entries(inner, depth + 1)
    return entries


def check_written_page(
    html: str,
    path: str,
    *,
    siteurl: str,
    file_exists: Callable[[str], bool],
    expected: PageExpectation | None = None,
    contents: Sequence[str] | None = None,
) -> list[str]:
    """Every problem with one written file, one line each; the HTML is parsed once.

    `expected` makes it a guide page (sidebar, title, h1, description); `contents`, the
    site paths of every page in reading order, makes it the table of contents. Every
    written file gets the link check.
    """
    # lxml's own elements: lxml.html's element classes cost a Python call per element.
    soup = etree.HTML(html) if html.strip() else None
    if soup is None:
        soup = etree.Element("html")
    problems = []
    if expected is not None:
        problems += _check_guide_page(soup, expected, siteurl)
    if contents is not None:
        problems += _check_contents(soup, path, contents, siteurl)
    problems += _check_links(soup, path, siteurl, file_exists)
    if siteurl.startswith(("https://", "http://")):
        problems += _check_canonical(soup, path, siteurl)
    return problems


def _check_guide_page(soup, expected: PageExpectation, siteurl: str) -> list[str]:
    page = expected.path
    problems = []

    title = text_of(next(soup.iter("title"), None))
    if title != expected.title:
        problems.append(f'{page}: <title> is "{title}", expected "{expected.title}"')
    headings = list(soup.iter("h1"))
    if len(headings) != 1:
        problems.append(f"{page}: has {len(headings)} <h1> elements, expected exactly one")
    elif text_of(headings[0]) != expected.h1:
        problems.append(f'{page}: <h1> is "{text_of(headings[0])}", expected "{expected.h1}"')
    description = next(iter(soup.xpath('//meta[@name="description"]')), None)
    content = description.get("content", "") if description is not None else None
    if content != expected.description:
        shown = "missing" if content is None else f'"{content}"'
        problems.append(f'{page}: meta description is {shown}, expected "{expected.description}"')

    navs = soup.xpath(SIDEBAR_XPATH)
    if len(navs) != 1:
        problems.append(f'{page}: has {len(navs)} <nav aria-label="Table of contents">, expected one')
        return problems
    nav = navs[0]
    found = sidebar_entries(nav, page, siteurl)
    problems += [f"{page}: {line}" for line in _compare_sidebar(found, expected.sidebar)]

    current = soup.xpath("//*[@aria-current]")
    own = [element for element in current if _points_to(element, page, siteurl)]
    others = [element for element in current if element not in own]
    for element in others:
        problems.append(
            f'{page}: aria-current is on "{text_of(element)}" ({element.get("href", element.tag)}), '
            "which is not this page"
        )
    if any(entry.current for entry in expected.sidebar) and not own:
        problems.append(f'{page}: its own sidebar link lacks aria-current="page"')
    return problems


def _check_links(soup, path: str, siteurl: str, file_exists: Callable[[str], bool]) -> list[str]:
    """Every link into the site, from the text or the theme, reaches a written file."""
    problems = []
    for link in soup.xpath("//a[@href] | //link[@href]"):
        href = link.get("href")
        target = resolve(href, path, siteurl)
        if target is None or file_exists(target):
            continue
        in_sidebar = any(
            nav.get("aria-label") == "Table of contents" for nav in link.iterancestors("nav")
        )
        where = "sidebar link" if in_sidebar else "link"
        label = text_of(link) or (link.get("rel") or link.tag).split()[0]
        problems.append(f'{path}: {where} "{label}" points to {href}, but {target} was not written')
    return problems


def _check_canonical(soup, path: str, siteurl: str) -> list[str]:
    """Published pages: the canonical link and og:url are this page's absolute address."""
    canonical = next(iter(soup.xpath('//link[@rel="canonical"][@href]')), None)
    if canonical is None:
        return [f"{path}: has no canonical link"]
    href = canonical.get("href")
    problems = []
    if not href.startswith(siteurl.rstrip("/") + "/") or resolve(href, path, siteurl) != path:
        problems.append(
            f"{path}: canonical link is {href}, expected this page under {siteurl.rstrip('/')}/"
        )
    og_url = next(iter(soup.xpath('//meta[@property="og:url"]')), None)
    if og_url is not None and og_url.get("content") != href:
        shown = og_url.get("content")
        problems.append(f"{path}: og:url is {shown}, expected {href} as the canonical link")
    return problems


def _points_to(element, page: str, siteurl: str) -> bool:
    href = element.get("href")
    return element.tag == "a" and href is not None and resolve(href, page, siteurl) == page


def _compare_sidebar(found: list[Found], expected: Sequence) -> list[str]:
    key = lambda entry: (entry.label, entry.url, entry.depth)  # noqa: E731
    found_keys = [key(entry) for entry in found]
    want_keys = [key(entry) for entry in expected]
    if found_keys == want_keys:
        return []
    want = [Found(e.label, e.url, e.current, e.depth) for e in expected]
    problems = []
    missing = [entry for entry in want if key(entry) not in found_keys]
    extra = [entry for entry in found if key(entry) not in want_keys]
    for entry in missing:
        problems.append(f"sidebar lacks {entry.describe()}")
    for entry in extra:
        problems.append(f"sidebar lists {entry.describe()}, which does not belong in this page's sidebar")
    if not missing and not extra:
        for position, (got, wanted) in enumerate(zip(found, want), start=1):
            if key(got) != key(wanted):
                problems.append(
                    f"sidebar entry {position} is {got.describe()}, expected {wanted.describe()} "
                    "(entries out of guide order)"
                )
                break
    return problems


def _check_contents(soup, path: str, expected_urls: Sequence[str], siteurl: str) -> list[str]:
    """The table of contents lists every page of the guide, once each, in reading order."""
    contents = next(iter(soup.xpath("//main//ol")), None)
    if contents is None:
        return [f"{path}: has no list of chapters inside <main>"]
    listed = [
        target
        for link in contents.xpath(".//a[@href]")
        if (target := resolve(link.get("href"), path, siteurl)) is not None
    ]
    if listed == list(expected_urls):
        return []
    problems = []
    missing = [url for url in expected_urls if url not in listed]
    extra = [url for url in listed if url not in expected_urls]
    problems += [f"{path}: does not list {url}" for url in missing]
    problems += [f"{path}: lists {url}, which is not a page of the guide" for url in extra]
    if not missing and not extra:
        for position, (got, wanted) in enumerate(zip(listed, expected_urls), start=1):
            if got != wanted:
                problems.append(
                    f"{path}: entry {position} is {got}, expected {wanted} (pages out of guide order)"
                )
                break
    return problems
