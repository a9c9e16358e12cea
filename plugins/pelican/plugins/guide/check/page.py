"""The checks of one written page: its HTML parsed once with lxml, compared with what
the check worked out from the metadata (expected.py). Pure functions, no Pelican."""

from __future__ import annotations

import json
import os
import posixpath
import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..body import CODE_START, outside_code
from .expected import CONTENTS, HOME, Facts, HomeLine, Row, folds

SIDEBAR = "Table of contents"
_LIBXML_HINT = re.compile(r",? (use|try) XML_PARSE_HUGE.*")  # the option huge_tree already sets


class Link(NamedTuple):
    target: str  # a path in the site
    href: str
    in_body: bool  # in the page's own text, not the theme's
    label: str


class Unreadable(ValueError):
    """lxml gave up on the page: what it built is not the page, and must not be judged."""


def parse(html: str):
    """The page as an lxml tree (lxml's own elements: lxml.html's cost a call each).

    lxml's defaults drop, silently, what lies past a 10 MB text run or 255 levels of
    nesting, and the check would then judge a page it never saw; `huge_tree` raises those
    limits (to 1 GB and 2,048 levels: the build's own pages, nothing from outside), and a
    page past them still is Unreadable, never misjudged."""
    html = outside_code(html, str, code=lambda block: CODE_START) if CODE_START in html else html
    parser = etree.HTMLParser(huge_tree=True)
    root = etree.HTML(html, parser) if html.strip() else None
    stopped = next((entry for entry in parser.error_log if entry.level == etree.ErrorLevels.FATAL), None)
    if stopped is not None:
        why = _LIBXML_HINT.sub("", " ".join(stopped.message.split()))
        raise Unreadable(
            f"cannot be read back by the check: the HTML parser stopped at its line {stopped.line} "
            f"({why}); flatten the page's HTML"
        )
    return root if root is not None else etree.Element("html")


def text_of(element) -> str:
    """An element's text as a reader sees it (a <wbr> inside a word adds no space)."""
    if element is None:
        return ""
    if len(element) == 0:
        return " ".join((element.text or "").split())
    return " ".join("".join(element.itertext()).split())


def resolve(href: str, page_path: str, siteurl: str) -> str | None:
    """The site path a link points to, or None when it leaves the site."""
    if not href or href[0] in "#?":
        return page_path
    return _resolve(href, posixpath.dirname(page_path), siteurl)


def target_of(href: str | None, path: str, siteurl: str) -> str | None:
    """Where a navigation link leads: its site path, and its #fragment when it has one
    (a chapter heading leads to its place on the contents page)."""
    if href is None:
        return None
    fragment = urlsplit(href).fragment
    place = path if not href or href[0] in "#?" else _resolve(href, posixpath.dirname(path), siteurl)
    return f"{place}#{fragment}" if place and fragment else place


@lru_cache(maxsize=65536)
def _resolve(href: str, folder: str, siteurl: str) -> str | None:
    """resolve() for a page in `folder`: every page of a folder shares the answers, and
    each sidebar repeats the same links."""
    base = siteurl.rstrip("/")
    if base and (href == base or href.startswith(base + "/")):
        href = href[len(base) :] or "/"
    # A link from the server's root into a site at a sub-path (the 404 page's): /docs/x.html.
    root = urlsplit(base).path
    if root and (href == root or href.startswith(root + "/")):
        href = href[len(root) :] or "/"
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None
    base = "" if parts.path.startswith("/") else folder
    path = posixpath.normpath(posixpath.join("/", base, unquote(parts.path))).lstrip("/")
    return posixpath.join(path, "index.html") if parts.path.endswith("/") or not path else path


def nav_rows(ordered_list, path: str, siteurl: str, depth: int = 0) -> list[tuple[Row, bool, bool | None]]:
    """Each line of a nested <ol>: the first link or heading of each <li>, with the depth of
    its list (the outer list's at `depth`), whether it is marked current, and, for a group
    (the <li> holds a <details> with the lines under it), whether it is open."""
    if ordered_list is None:
        return []
    depths = {ordered_list: depth}
    for inner in ordered_list.iterdescendants("ol"):
        outer = inner.getparent()
        while outer is not None and outer not in depths:
            outer = outer.getparent()
        depths[inner] = depths.get(outer, depth) + 1
    rows = []
    for line in ordered_list.xpath(".//li/*[self::a or self::span][1]"):
        holder = line.getparent()
        group = next(holder.iterchildren("details"), None)
        fold = None if group is None else group.get("open") is not None
        url = target_of(line.get("href"), path, siteurl)
        label = text_of(line)
        rows.append((Row(depths[holder.getparent()], label, url), line.get("aria-current") == "page", fold))
    return rows


# The attributes that load or link a file of the site, by tag: the links step settles them.
LINK_ATTRIBUTES = {
    "a": ("href",),
    "img": ("src",),
    "link": ("href",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "object": ("data",),
    "blockquote": ("cite",),
    "q": ("cite",),
}


def links(root, path: str, siteurl: str) -> list[Link]:
    body = set()
    for holder in root.iterfind(".//div[@class='page-body']"):
        body.update(holder.iter(*LINK_ATTRIBUTES))
    found = []
    folder = posixpath.dirname(path)
    for element in root.iter(*LINK_ATTRIBUTES):
        for attribute in LINK_ATTRIBUTES[element.tag]:
            href = element.get(attribute)
            if not href or href.startswith(("#", "?", "data:", "mailto:")):
                continue
            target = _resolve(href, folder, siteurl)
            if target is None:
                continue
            label = text_of(element) or element.get("alt") or element.get("rel") or element.tag
            found.append(Link(target, href, element in body, label))
    return found


def compare_rows(found: list[Row], expected: tuple[Row, ...], where: str) -> list[str]:
    if list(found) == list(expected):
        return []

    def show(row: Row) -> str:
        return f'"{row.label}"' + (f" -> {row.url}" if row.url else " (heading)") + f" at depth {row.depth}"

    missing = [row for row in expected if row not in found]
    extra = [row for row in found if row not in expected]
    problems = [f"{where} lacks {show(row)}" for row in missing[:5]]
    problems += [f"{where} lists {show(row)}, which does not belong there" for row in extra[:5]]
    if not problems:
        for number, (got, wanted) in enumerate(zip(found, expected, strict=False), start=1):
            if got != wanted:
                problems.append(
                    f"{where} line {number} is {show(got)}, expected {show(wanted)} (out of guide order)"
                )
                break
    return problems


def fold_problems(
    found: list[tuple[Row, bool, bool | None]], wanted: tuple[bool | None, ...], where: str
) -> list[str]:
    """Each group folds (a <details>), open exactly as `wanted` says; lines with nothing
    under them do not."""
    problems = []
    for (row, _, fold), want in zip(found, wanted, strict=False):
        if want is None and fold is not None:
            problems.append(f'{where} folds "{row.label}", which has nothing under it')
        elif want is not None and fold is None:
            problems.append(f'{where} group "{row.label}" does not fold (no <details>)')
        elif want and not fold:
            problems.append(f'{where} group "{row.label}" is closed, but holds the current page')
        elif fold and not want:
            problems.append(f'{where} group "{row.label}" is open, but does not hold the current page')
    return problems


def check_sidebar(
    root, path: str, siteurl: str, rows: tuple[Row, ...], current: str | None, listed: bool = True
) -> list[str]:
    """The sidebar against the expected rows, and what is folded. Its list is then taken
    out of the tree: its links are proven here, and the link check need not walk them again."""
    navs = root.xpath(f'//nav[@aria-label="{SIDEBAR}"]')
    if len(navs) != 1:
        return [f'has {len(navs)} <nav aria-label="{SIDEBAR}">, expected one']
    lines = next(navs[0].iterdescendants("ol"), None)
    found = nav_rows(lines, path, siteurl)
    if lines is not None:
        lines.getparent().remove(lines)
    problems = compare_rows([row for row, _, _ in found], rows, "sidebar")
    if not problems:
        problems += fold_problems(found, folds(rows, current, listed), "sidebar")
    marked = [row for row, is_current, _ in found if is_current]
    for row in marked:
        if row.url != current:
            problems.append(f'sidebar marks "{row.label}" ({row.url}) as the current page, which it is not')
    if (
        current is not None
        and any(row.url == current for row in rows)
        and not any(r.url == current for r in marked)
    ):
        problems.append('its own sidebar link lacks aria-current="page"')
    return problems


def duplicate_ids(root) -> list[str]:
    """Every id used more than once in the page (a link to it, or the skip link, would
    reach the first only)."""
    seen: set[str] = set()
    twice: list[str] = []
    for value in root.xpath("//@id"):
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    return [f'id "{value}" is used more than once in the page; ids must be unique' for value in twice]


def check_guide_page(root, facts: Facts, siteurl: str, sitename: str, rows, neighbours) -> list[str]:
    path = facts.save_as
    problems = []
    if facts.lang and root.get("lang") != facts.lang:
        problems.append(f'<html lang> is "{root.get("lang")}", expected "{facts.lang}"')
    indexed = bool(root.xpath("//*[@data-pagefind-body]"))
    if indexed != facts.listed:
        problems.append(
            "is marked for the search index (data-pagefind-body), though it is hidden"
            if indexed
            else "is not marked for the search index (no data-pagefind-body)"
        )
    title = text_of(next(root.iter("title"), None))
    wanted = sitename if facts.slug == HOME and facts.title == sitename else f"{facts.title} - {sitename}"
    if title != wanted:
        problems.append(f'<title> is "{title}", expected "{wanted}"')
    heading = next(root.iter("h1"), None)
    if text_of(heading) != facts.title:
        problems.append(f'first <h1> is "{text_of(heading)}", expected "{facts.title}"')
    description = next(iter(root.xpath('//meta[@name="description"]/@content')), None)
    if description != facts.description:
        problems.append(f'meta description is "{description}", expected "{facts.description}"')
    problems += check_sidebar(root, path, siteurl, rows, facts.url, facts.listed)
    pager = {
        rel: resolve(link.get("href"), path, siteurl)
        for link in root.xpath("//nav[@class='pager']/a[@rel]")
        for rel in [link.get("rel")]
    }
    for rel, wanted in zip(("prev", "next"), neighbours, strict=False):
        if pager.get(rel) != wanted:
            problems.append(f"{rel} link goes to {pager.get(rel)}, expected {wanted}")
    on_page = root.xpath('//nav[@aria-label="On this page"]//a')
    found_headings = [(link.get("href", "")[1:], text_of(link)) for link in on_page]
    wanted_headings = (
        [(anchor, text) for _, anchor, text in facts.headings] if len(facts.headings) >= 2 else []
    )
    if found_headings != wanted_headings:
        problems.append(
            f'"On this page" lists {len(found_headings)} headings, '
            f"expected {len(wanted_headings)} in page order"
        )
    return problems


def check_contents(root, path: str, siteurl: str, rows: tuple[Row, ...]) -> list[str]:
    """The table of contents: every chapter a heading, every section and page under it,
    labelled, in reading order; every group closed (no page of the guide is current)."""
    holders = root.xpath("//main//div[@class='contents']")
    if not holders:
        return ['has no <div class="contents"> inside <main>']
    found = []
    anchors = {}
    for child in holders[0]:
        if child.tag == "h2":
            line = next(iter(child.xpath("./*[self::a or self::span][1]")), child)
            found.append((Row(0, text_of(line), target_of(line.get("href"), path, siteurl)), False, None))
            if child.get("id"):
                anchors[child.get("id")] = found[-1][0]
        elif child.tag == "ol":
            found += nav_rows(child, path, siteurl, depth=1)
    problems = compare_rows([row for row, _, _ in found], rows, "contents")
    if not problems:  # chapters are headings, which do not fold; every other group is closed
        wanted = tuple(
            None if row.depth == 0 else want for row, want in zip(rows, folds(rows, None), strict=False)
        )
        problems += fold_problems(found, wanted, "contents")
    # Each chapter heading of the sidebars leads here: to the heading of its chapter.
    for row in rows:
        if row.depth == 0 and row.url.startswith(CONTENTS + "#"):
            anchor = row.url.split("#", 1)[1]
            if anchor not in anchors:
                problems.append(f'the sidebars lead "{row.label}" to #{anchor}, which is no heading here')
            elif anchors[anchor].label != row.label:
                problems.append(f'#{anchor} is the heading "{anchors[anchor].label}", not "{row.label}"')
    return problems


def check_canonical(root, path: str, public_url: str) -> list[str]:
    canonical = next(iter(root.xpath('//link[@rel="canonical"]/@href')), None)
    wanted = public_url + path
    problems = []
    if canonical != wanted:
        problems.append(f"canonical link is {canonical}, expected {wanted}")
    og_url = next(iter(root.xpath('//meta[@property="og:url"]/@content')), None)
    if og_url is not None and og_url != wanted:
        problems.append(f"og:url is {og_url}, expected {wanted}")
    return problems


def redirect_target(root, path: str, siteurl: str) -> str | None:
    refresh = next(iter(root.xpath('//meta[@http-equiv="refresh"]/@content')), "")
    _, _, url = refresh.partition("url=")
    return resolve(url.strip(), path, siteurl) if url else None


def check_breadcrumb(
    root, path: str, siteurl: str, facts: Facts, crumbs: tuple[Row, ...], public_url: str
) -> list[str]:
    """The breadcrumb above the title: the expected lines, then the page itself; and the
    same lines as schema.org BreadcrumbList data."""
    navs = root.xpath('//nav[@aria-label="Breadcrumb"]')
    if not crumbs:
        return ["has a breadcrumb, though it is a top line of its chapter"] if navs else []
    if len(navs) != 1:
        return [f'has {len(navs)} <nav aria-label="Breadcrumb">, expected one']
    items = navs[0].xpath(".//li")
    found = [
        (text_of(link), target_of(link.get("href"), path, siteurl))
        for item in items
        for link in item.xpath("./a")
    ]
    wanted = [(row.label, row.url) for row in crumbs]
    problems = []
    if found != wanted:
        problems.append(f"breadcrumb reads {found}, expected {wanted}")
    last = items[-1].xpath("./*[@aria-current='page']") if items else []
    if not last or text_of(last[0]) != facts.sidebartitle:
        problems.append(f'breadcrumb does not end with the page, "{facts.sidebartitle}" (aria-current)')
    blocks = root.xpath('//script[@type="application/ld+json"]')
    try:
        data = json.loads(blocks[0].text or "") if blocks else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("@type") != "BreadcrumbList":
        return [*problems, "has no BreadcrumbList data (JSON-LD)"]
    listed = [(item.get("name"), item.get("item")) for item in data.get("itemListElement", [])]
    expected = [
        (label, (public_url or "") + url) for label, url in [*wanted, (facts.sidebartitle, facts.url)]
    ]
    if listed != expected:
        problems.append(f"BreadcrumbList data lists {listed}, expected {expected}")
    return problems


def check_home(root, path: str, siteurl: str, lines: tuple[HomeLine, ...], start: str | None) -> list[str]:
    """The home page: where to start (the guide's first page), and each chapter with its line."""
    problems = []
    section = root.xpath("//main//section[@class='home-chapters']")
    if not section:
        return ["has no chapters (section.home-chapters)"]
    found = [
        (
            text_of(link),
            target_of(link.get("href"), path, siteurl),
            text_of(next(iter(item.xpath("./span")), None)),
        )
        for item in section[0].xpath(".//li")
        for link in item.xpath("./a[1]")
    ]
    wanted = [(line.label, line.url, line.text) for line in lines]
    if found != wanted:
        problems.append(
            f"lists the chapters {found[:3]}..., expected {wanted[:3]}... ({len(found)} of {len(wanted)})"
        )
    starts = [
        target_of(link.get("href"), path, siteurl) for link in root.xpath("//main//p[@class='home-start']/a")
    ]
    if start and starts != [start]:
        problems.append(f'its "Start reading" link goes to {starts}, expected {start}')
    return problems


def check_images(root, path: str, siteurl: str, output: str) -> list[str]:
    """Every image of the page's text whose file the site holds, and whose size can be
    read from it, carries its width and height (so the text does not move as it loads)."""
    import imagesize

    problems = []
    for image in root.iterfind(".//div[@class='page-body']//img"):
        if image.get("width") and image.get("height"):
            continue
        target = resolve(image.get("src") or "", path, siteurl)
        file = os.path.join(output, target) if target else None
        if file and os.path.isfile(file):
            try:
                width, _ = imagesize.get(file)
            except (OSError, ValueError):
                width = -1
            if width > 0:
                problems.append(f"image {image.get('src')} has no width and height; its file says them")
    return problems
