"""The checks themselves: written HTML in, one line per problem out. No Pelican here."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Callable, Sequence
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

SIDEBAR_SELECTOR = 'nav[aria-label="Table of contents"]'


@dataclass(frozen=True)
class PageExpectation:
    path: str  # the written file, relative to the output folder: "servers.html"
    title: str  # the whole <title>
    h1: str
    description: str
    sidebar: Sequence  # SidebarEntry-like: label, url (or None), current, depth


@dataclass(frozen=True)
class Found:
    """A sidebar entry as the HTML shows it."""

    label: str
    url: str | None  # resolved to a path in the site, or None for a heading
    current: bool
    depth: int

    def describe(self) -> str:
        where = f" -> {self.url}" if self.url else " (heading)"
        return f'"{self.label}"{where}'


def text_of(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split()) if element is not None else ""


def resolve(href: str, page_path: str, siteurl: str) -> str | None:
    """The site path a link points to, or None when it leaves the site."""
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
    chapters = nav.find("ol")
    if chapters is None:
        return found
    for depth, item in _items(chapters):
        link = item.find(["a", "span"], recursive=False)
        if link is None:
            continue
        href = link.get("href") if link.name == "a" else None
        found.append(
            Found(
                label=text_of(link),
                url=resolve(href, page_path, siteurl) if href is not None else None,
                current=link.get("aria-current") == "page",
                depth=depth,
            )
        )
    return found


def _items(ordered_list, depth: int = 0):
    for item in ordered_list.find_all("li", recursive=False):
        yield depth, item
        for nested in item.find_all("ol", recursive=False):
            yield from _items(nested, depth + 1)


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
    soup = BeautifulSoup(html, "lxml")
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

    title = text_of(soup.title)
    if title != expected.title:
        problems.append(f'{page}: <title> is "{title}", expected "{expected.title}"')
    headings = soup.find_all("h1")
    if len(headings) != 1:
        problems.append(f"{page}: has {len(headings)} <h1> elements, expected exactly one")
    elif text_of(headings[0]) != expected.h1:
        problems.append(f'{page}: <h1> is "{text_of(headings[0])}", expected "{expected.h1}"')
    description = soup.find("meta", attrs={"name": "description"})
    content = description.get("content", "") if description is not None else None
    if content != expected.description:
        shown = "missing" if content is None else f'"{content}"'
        problems.append(f'{page}: meta description is {shown}, expected "{expected.description}"')

    navs = soup.select(SIDEBAR_SELECTOR)
    if len(navs) != 1:
        problems.append(f'{page}: has {len(navs)} <nav aria-label="Table of contents">, expected one')
        return problems
    nav = navs[0]
    found = sidebar_entries(nav, page, siteurl)
    problems += [f"{page}: {line}" for line in _compare_sidebar(found, expected.sidebar)]

    current = soup.find_all(attrs={"aria-current": True})
    own = [element for element in current if _points_to(element, page, siteurl)]
    others = [element for element in current if element not in own]
    for element in others:
        problems.append(
            f'{page}: aria-current is on "{text_of(element)}" ({element.get("href", element.name)}), '
            "which is not this page"
        )
    if any(entry.current for entry in expected.sidebar) and not own:
        problems.append(f'{page}: its own sidebar link lacks aria-current="page"')
    return problems


def _check_links(soup, path: str, siteurl: str, file_exists: Callable[[str], bool]) -> list[str]:
    """Every link into the site, from the text or the theme, reaches a written file."""
    problems = []
    for link in soup.find_all(["a", "link"], href=True):
        target = resolve(link["href"], path, siteurl)
        if target is None or file_exists(target):
            continue
        in_sidebar = link.find_parent("nav", attrs={"aria-label": "Table of contents"})
        where = "sidebar link" if in_sidebar is not None else "link"
        label = text_of(link) or link.get("rel", [link.name])[0]
        problems.append(
            f'{path}: {where} "{label}" points to {link["href"]}, but {target} was not written'
        )
    return problems


def _check_canonical(soup, path: str, siteurl: str) -> list[str]:
    """Published pages: the canonical link and og:url are this page's absolute address."""
    canonical = soup.find("link", rel="canonical", href=True)
    if canonical is None:
        return [f"{path}: has no canonical link"]
    href = canonical["href"]
    problems = []
    if not href.startswith(siteurl.rstrip("/") + "/") or resolve(href, path, siteurl) != path:
        problems.append(
            f"{path}: canonical link is {href}, expected this page under {siteurl.rstrip('/')}/"
        )
    og_url = soup.find("meta", property="og:url")
    if og_url is not None and og_url.get("content") != href:
        shown = og_url.get("content")
        problems.append(f"{path}: og:url is {shown}, expected {href} as the canonical link")
    return problems


def _points_to(element, page: str, siteurl: str) -> bool:
    href = element.get("href")
    return element.name == "a" and href is not None and resolve(href, page, siteurl) == page


def _compare_sidebar(found: list[Found], expected: Sequence) -> list[str]:
    want = [Found(e.label, e.url, e.current, e.depth) for e in expected]
    key = lambda entry: (entry.label, entry.url, entry.depth)  # noqa: E731
    found_keys = [key(entry) for entry in found]
    want_keys = [key(entry) for entry in want]
    if found_keys == want_keys:
        return []
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
    contents = soup.select_one("main ol")
    if contents is None:
        return [f"{path}: has no list of chapters inside <main>"]
    listed = [
        target
        for link in contents.find_all("a", href=True)
        if (target := resolve(link["href"], path, siteurl)) is not None
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
