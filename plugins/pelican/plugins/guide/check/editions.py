"""The editions, read back: the EPUB's contents (its nav.xhtml) and reading order (its
spine), and print.html's contents, pages and chapters, against what expected.py works out
from the metadata alone. The check's own small code: it imports nothing that made them.

Where an edition puts a page is the rule both sides keep: in the book, the site's page
`servers.html` is the document `site/servers.xhtml`; in print.html, the <article> with
id `servers`.
"""

from __future__ import annotations

import posixpath
import zipfile
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from lxml import etree

from .expected import Expected, Row
from .page import compare_rows, text_of

PRINT_PAGE = "print.html"
BOOK_FOLDER = "site/"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"


class EditionFacts(NamedTuple):
    """What the settings say of the editions: the EPUB's path in the site (None: none made),
    whether print.html is made, and the book's title, language and identifier."""

    book: str | None
    printed: bool
    title: str
    language: str
    identifier: str


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def list_rows(ordered_list, url_of, depth: int = 0) -> list[Row]:
    """The lines of a nested <ol> of links and headings (namespaced or not), each as a Row
    with the site address `url_of(href)` gives."""
    rows = []
    for item in ordered_list:
        if _local(item) != "li":
            continue
        line = next((child for child in item if _local(child) in ("a", "span")), None)
        href = line.get("href") if line is not None else None
        rows.append(Row(depth, text_of(line), url_of(href) if href is not None else None))
        for inner in item:
            if _local(inner) == "ol":
                rows += list_rows(inner, url_of, depth + 1)
    return rows


def order_problems(found: list[str], expected: Expected, where: str) -> list[str]:
    """`found`, the addresses of the pages in the order an edition gives them, against the
    guide's reading order: each listed page once, in order, and nothing else."""
    wanted = expected.chapters_order
    if found == wanted:
        return []
    problems = [f"{where} lacks {url}" for url in wanted if url not in found][:5]
    problems += [
        f"{where} holds {url}, which is no listed page of the guide" for url in found if url not in wanted
    ][:5]
    problems += [f"{where} holds {url} more than once" for url in sorted(set(found)) if found.count(url) > 1][
        :5
    ]
    if not problems:
        for number, (got, want) in enumerate(zip(found, wanted, strict=False), start=1):
            if got != want:
                problems.append(f"{where} has {got} as page {number}, expected {want} (out of guide order)")
                break
    return problems


def _book_url(href: str, folder: str) -> str:
    """The site address of the book document an href (from a file in `folder`) reaches."""
    path = posixpath.normpath(posixpath.join(folder, unquote(urlsplit(href).path)))
    if path.startswith(BOOK_FOLDER) and path.endswith(".xhtml"):
        return path[len(BOOK_FOLDER) : -len(".xhtml")] + ".html"
    return path


def check_book(path: str, expected: Expected, facts: EditionFacts) -> list[str]:
    """The EPUB at `path`: its container, title, language and identifier, then its
    contents (the nav document) and its reading order (the spine)."""
    try:
        with zipfile.ZipFile(path) as book:
            return _book_problems(book, expected, facts)
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, AttributeError) as problem:
        return [f"cannot be read as an EPUB: {problem}"]


def _book_problems(book: zipfile.ZipFile, expected: Expected, facts: EditionFacts) -> list[str]:
    problems = []
    first = book.infolist()[0]
    if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        problems.append("does not start with its mimetype file, stored: readers may refuse it")
    container = etree.fromstring(book.read("META-INF/container.xml"))
    package_path = container.find(f".//{_CONTAINER}rootfile").get("full-path")
    package = etree.fromstring(book.read(package_path))
    folder = posixpath.dirname(package_path)
    metadata = package.find(f"{_OPF}metadata")
    identifier_id = package.get("unique-identifier")
    values = {
        "title": text_of(metadata.find(f"{_DC}title")),
        "language": text_of(metadata.find(f"{_DC}language")),
        "identifier": next(
            (
                text_of(element)
                for element in metadata.iter(f"{_DC}identifier")
                if element.get("id") == identifier_id
            ),
            "",
        ),
    }
    for name, value in values.items():
        if value != getattr(facts, name):
            problems.append(f"its {name} is {value!r}, expected {getattr(facts, name)!r}")
    if not any(element.get("property") == "dcterms:modified" for element in metadata.iter(f"{_OPF}meta")):
        problems.append("has no dcterms:modified date")

    manifest = {item.get("id"): item for item in package.iter(f"{_OPF}item")}
    navs = [item for item in manifest.values() if "nav" in (item.get("properties") or "").split()]
    if len(navs) != 1:
        return [*problems, f"has {len(navs)} navigation documents, expected one"]
    nav_href = navs[0].get("href")
    nav = etree.fromstring(book.read(posixpath.join(folder, nav_href)))
    toc = [element for element in nav.iter("{*}nav") if element.get(_EPUB_TYPE) == "toc"]
    lists = [child for child in toc[0] if _local(child) == "ol"] if len(toc) == 1 else []
    if len(lists) != 1:
        return [*problems, 'nav.xhtml has no single <nav epub:type="toc"> with its list']
    nav_folder = posixpath.dirname(nav_href)  # hrefs in the package are relative to its folder
    rows = list_rows(lists[0], lambda href: _book_url(href, nav_folder))
    problems += compare_rows(rows, expected.edition_contents, "its contents (nav.xhtml)")

    spine = [itemref.get("idref") for itemref in package.iter(f"{_OPF}itemref")]
    order = [
        _book_url(manifest[idref].get("href"), "") if idref in manifest else f"the missing item {idref}"
        for idref in spine
        if idref != navs[0].get("id")
    ]
    problems += order_problems(order, expected, "its reading order (the spine)")
    return problems


def _print_url(href: str) -> str:
    return href[1:] + ".html" if href.startswith("#") else href


def check_print(root, expected: Expected) -> list[str]:
    """print.html, parsed: its contents list every page as the contents page does, linked
    to its place; its articles are the listed pages in reading order, each under its title
    and each chapter in a section of its own; every link inside it reaches an id."""
    problems = []
    navs = root.xpath('//nav[@aria-label="Contents"]')
    lists = navs[0].xpath("./ol") if len(navs) == 1 else []
    if len(lists) != 1:
        return ['has no single <nav aria-label="Contents"> with its list']
    problems += compare_rows(list_rows(lists[0], _print_url), expected.edition_contents, "its contents")

    articles = root.xpath("//article[@id]")
    problems += order_problems(
        [_print_url("#" + article.get("id")) for article in articles],
        expected,
        "its reading order (the articles)",
    )
    titles = {facts.url: facts.title for members in expected.chapters.values() for facts in members}
    for article in articles:
        url = _print_url("#" + article.get("id"))
        heading = next(article.iter("h1"), None)
        if url in titles and text_of(heading) != titles[url]:
            problems.append(f'its page {url} is headed "{text_of(heading)}", expected "{titles[url]}"')

    chapters = [{facts.url for facts in members} for members in expected.chapters.values()]
    sections = [
        {_print_url("#" + article.get("id")) for article in section.xpath(".//article[@id]")}
        for section in root.xpath('//section[@class="print-chapter"]')
    ]
    if sections != chapters:
        problems.append(
            f"has {len(sections)} chapters (each from a new sheet), expected {len(chapters)}, "
            "each holding its chapter's pages"
        )
    ids = set(root.xpath("//@id"))
    broken = sorted(
        {
            href
            for href in root.xpath("//a/@href")
            if href.startswith("#") and href != "#" and unquote(href[1:]) not in ids
        }
    )
    problems += [f"links to {href}, which is no id in it" for href in broken[:5]]
    return problems
