"""The editions (GUIDE_EDITIONS): the EPUB and print.html, read back from real builds.

One small guide with every shape of the real one, and the bad input a book meets (a
missing image, an image no reader must show, HTML that is not XHTML), is built once with
both editions; the tests read its book and its print.html, EPUBCheck validates the book,
and the producer is broken on purpose to show the check names what went wrong.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib

import pytest
from bs4 import BeautifulSoup
from conftest import SEED_CONTENT, Guide, run_make
from guides import contents, every_shape_settings, write_every_shape
from test_check import broken_build
from tools import epubcheck_errors

EPUB = "full-stack-python.epub"
IDENTIFIER = "urn:isbn:9780000000002"
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
LINKS_PAGE = """Read about [bare metal](/servers.html#bare-metal), the
[hidden notes](/hidden-notes.html), and [Pelican](https://getpelican.com/).

![Gone](/img/gone.png)

![Old format](/img/old.bmp)

<div align="center"><img src="/img/logo.png" width="100%" alt="Logo again"></div>

<p><a name="old-anchor"></a>An old anchor, and <span foo:bar="x">an odd attribute</span>.</p>

<p><svg viewBox="0 0 10 10" width="10" height="10"><circle cx="5" cy="5" r="4"/></svg> A drawing.</p>

## 2019 changes

See [the changes](#2019-changes).

```python
def hello():
    return "world"
```
"""


def png() -> bytes:
    """A real 1x1 PNG: EPUBCheck opens every image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


def write_edition_guide(guide: Guide):
    write_every_shape(guide)
    guide.file("img/logo.png", png())
    # A real BMP header (the site reads its size), of a type the EPUB leaves out.
    guide.file("img/old.bmp", b"BM" + struct.pack("<IHHIIiiHH", 62, 0, 0, 54, 40, 2, 2, 1, 24) + bytes(32))
    guide.page("05/links.md", LINKS_PAGE, title="Links", slug="links", sortorder="0504")
    return every_shape_settings(
        guide, GUIDE_EDITIONS=["epub", "print"], AUTHOR="Ada Writer", GUIDE_EDITION_IDENTIFIER=IDENTIFIER
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    guide = Guide(tmp_path_factory.mktemp("editions"))
    conffile = write_edition_guide(guide)
    result = guide.build(conffile=conffile, env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    return guide, conffile, result


def read_book(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {entry.filename: book.read(entry) for entry in book.infolist()}


def xml(data: bytes) -> BeautifulSoup:
    return BeautifulSoup(data, "xml")


def nav_lines(ordered_list, depth: int = 0) -> list[tuple]:
    lines = []
    for item in ordered_list.find_all("li", recursive=False):
        node = item.find(["a", "span"], recursive=False)
        lines.append((depth, node.get_text(" ", strip=True), node.get("href")))
        for nested in item.find_all("ol", recursive=False):
            lines += nav_lines(nested, depth + 1)
    return lines


def as_page(href: str | None) -> str | None:
    """A book document's href as the site page it is (site/servers.xhtml: servers.html)."""
    return None if href is None else re.sub(r"^site/(.*)\.xhtml$", r"\1.html", href)


def spine_pages(files: dict[str, bytes]) -> list[str]:
    package = xml(files["EPUB/content.opf"])
    hrefs = {item["id"]: item["href"] for item in package.find_all("item")}
    return [as_page(hrefs[ref["idref"]]) for ref in package.find_all("itemref")]


# The book ---------------------------------------------------------------------------------


def test_the_books_contents_are_the_contents_page_same_labels_and_order(built):
    _, _, result = built
    files = read_book(result.output / EPUB)
    nav = xml(files["EPUB/nav.xhtml"]).find("nav", attrs={"epub:type": "toc"})
    book = [(depth, label, as_page(href)) for depth, label, href in nav_lines(nav.find("ol"))]
    page = [
        (depth, label, unlinked(href))
        for depth, label, href, _ in contents(result.soup("table-of-contents.html"))
    ]
    assert book == page
    assert ("5. Deployment" in [label for _, label, _ in book]) and (0, "Code Examples", None) in book


def unlinked(href: str | None) -> str | None:
    """A line of the contents page as the editions have it: a page's address, or None for a
    chapter's heading (which on the site leads to its place on the contents page)."""
    if href is None or "table-of-contents.html#" in href:
        return None
    return href.removeprefix("./")


def test_the_books_reading_order_is_the_guides_and_leaves_hidden_pages_out(built):
    _, _, result = built
    files = read_book(result.output / EPUB)
    order = [
        unlinked(href) for _, _, href, _ in contents(result.soup("table-of-contents.html")) if unlinked(href)
    ]
    assert spine_pages(files) == ["nav.xhtml", *order]
    assert "EPUB/site/hidden-notes.xhtml" not in files
    assert len(order) == 20


def test_the_book_holds_code_images_and_links_as_the_site_has_them(built):
    _, _, result = built
    files = read_book(result.output / EPUB)
    assert files["EPUB/site/img/logo.png"] == png()  # embedded, byte for byte
    page = xml(files["EPUB/site/links.xhtml"])
    links = {a.get_text(" ", strip=True): a["href"] for a in page.find_all("a", href=True)}
    assert links["bare metal"] == "servers.xhtml#bare-metal"  # inside the book
    assert links["Pelican"] == "https://getpelican.com/"  # kept
    assert links["hidden notes"] == "https://servers-guide.example.org/hidden-notes.html"  # not in the book
    assert links["the changes"] == "#id-2019-changes"  # an id made an XML name, and its link with it
    assert page.find(id="id-2019-changes") and page.find(id="old-anchor")
    assert [img["src"] for img in page.find_all("img")] == ["img/logo.png"]
    assert "Gone" in page.get_text() and "Old format" in page.get_text()  # left out: their alt text
    assert page.find("span", class_="kn") is None and page.find("span", class_="k")  # highlighted code
    assert ".highlight .k" in files["EPUB/book.css"].decode()
    assert page.find("link", rel="stylesheet")["href"] == "../book.css"
    assert page.find("h1").get_text() == "Links"


def test_title_author_language_date_and_identifier_come_from_the_settings(built):
    _, _, result = built
    path = result.output / EPUB
    package = xml(read_book(path)["EPUB/content.opf"])
    assert package.find("dc:title").get_text() == "Full Stack Python"
    assert package.find("dc:creator").get_text() == "Ada Writer"
    assert package.find("dc:language").get_text() == "en"
    assert package.find("dc:identifier").get_text() == IDENTIFIER
    assert package.find("meta", property="dcterms:modified").get_text() == "2023-11-14T22:13:20Z"
    with zipfile.ZipFile(path) as book:
        entries = book.infolist()
    assert entries[0].filename == "mimetype" and entries[0].compress_type == zipfile.ZIP_STORED
    assert {entry.date_time for entry in entries} == {(2023, 11, 14, 22, 13, 20)}


def test_epubcheck_finds_no_error_in_the_book_of_every_shape_and_bad_input(built):
    _, _, result = built
    assert epubcheck_errors(result.output / EPUB) == []


def test_each_thing_the_book_cannot_hold_is_one_warning_naming_the_page(built):
    _, _, result = built
    lines = result.warning_lines
    gone = [line for line in lines if "gone.png" in line]
    assert len(gone) == 1 and "links.md:" in gone[0]  # the site's own warning, not a second one
    old = [line for line in lines if "old.bmp" in line]
    assert len(old) == 1 and "links.md:" in old[0] and "left out of the EPUB" in old[0]
    odd = [line for line in lines if "foo:bar" in line]
    assert len(odd) == 1 and "links.md:" in odd[0] and "XHTML" in odd[0]
    drawn = [line for line in lines if "<svg>" in line]
    assert len(drawn) == 1 and "links.md:" in drawn[0] and "the EPUB leaves it out" in drawn[0]


# print.html -------------------------------------------------------------------------------


def test_print_html_is_every_page_in_reading_order_with_the_contents_first(built):
    _, _, result = built
    soup = result.soup("print.html")
    order = [
        unlinked(href) for _, _, href, _ in contents(result.soup("table-of-contents.html")) if unlinked(href)
    ]
    assert [f"{article['id']}.html" for article in soup.select("main article")] == order
    nav = soup.select_one('nav[aria-label="Contents"]')
    assert nav.find_next("article") is not None and nav.find_previous("article") is None
    assert [line[2] for line in nav_lines(nav.find("ol")) if line[2]] == [f"#{p[:-5]}" for p in order]
    chapters = soup.select("section.print-chapter")
    assert len(chapters) == 5 and chapters[2].find("h1").get_text() == "Changelog"
    assert chapters[1].select_one("h1.print-chapter-heading").get_text() == "5. Deployment"
    assert not soup.select(".site-header, .sidebar, .pager, .on-this-page, .headerlink")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_print_html_gives_each_page_its_own_ids_and_links_inside_itself(built):
    _, _, result = built
    soup = result.soup("print.html")
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert "servers/bare-metal" in ids and "links/2019-changes" in ids
    links = {a.get_text(" ", strip=True): a["href"] for a in soup.select("#links a[href]")}
    assert links["bare metal"] == "#servers/bare-metal"
    assert links["the changes"] == "#links/2019-changes"
    assert links["hidden notes"] == "hidden-notes.html"  # a page of the site, not of the guide
    assert links["Pelican"] == "https://getpelican.com/"


def test_the_print_stylesheet_breaks_chapters_wraps_code_and_writes_link_addresses(built):
    _, _, result = built
    css = result.soup("print.html").style.get_text()  # the theme's CSS, then editions/print.css
    for rule in (
        ".print-chapter{break-before:page;",
        ".print-contents{break-after:page}",
        'a[href^="http"]::after{content:" (" attr(href) ")";',
        "white-space:pre-wrap;",
        ".site-header,.sidebar",
    ):
        assert rule in css, rule
    assert ".print-chapter{" not in result.soup("servers.html").style.get_text()  # print.html's alone


# Readers find them ------------------------------------------------------------------------


def test_the_contents_pages_offer_the_editions_with_the_epubs_size(built):
    from pelican.plugins.guide.editions import size_text

    _, _, result = built
    size = size_text((result.output / EPUB).stat().st_size)
    for name in ("index.html", "table-of-contents.html"):
        line = result.soup(name).select_one("main p.downloads")
        assert "Download the whole guide" in line.get_text()
        links = {a.get_text(): a["href"] for a in line.find_all("a")}
        assert links == {"EPUB": f"./{EPUB}", "Print edition": "./print.html"}
        assert f"EPUB ({size})" in " ".join(line.get_text().split())
    assert "print.html" in (result.output / "llms.txt").read_text()


# The check proves them --------------------------------------------------------------------


@pytest.mark.parametrize(
    "case, line",
    [
        ("book_page_dropped", f"{EPUB}: its reading order (the spine) lacks learning-path.html"),
        (
            "book_pages_swapped",
            f"{EPUB}: its reading order (the spine) has why-python.html as page 1, "
            "expected introduction.html",
        ),
        (
            "book_wrong_label",
            f'{EPUB}: its contents (nav.xhtml) lacks "1. Introduction" -> introduction.html',
        ),
        (
            "book_wrong_section",
            f'{EPUB}: its contents (nav.xhtml) line 19 is "flask.app Flask" -> flask-app.html at depth 2, '
            'expected "Flask Extensions"',
        ),
        (
            "print_pages_swapped",
            "print.html: its reading order (the articles) has why-python.html as page 1, "
            "expected introduction.html",
        ),
        ("print_wrong_label", 'print.html: its contents lacks "Chapter 60" (heading) at depth 0'),
    ],
)
def test_breaking_the_editions_fails_the_build_naming_what_is_wrong(built, case, line):
    guide, conffile, _ = built
    output = guide.root / f"out-{case}"
    done = broken_build(guide, conffile, case, output.name)
    assert done.returncode == 1, done.stderr
    errors = [text for text in done.stderr.splitlines() if text.startswith("error: ")]
    assert any(line in error for error in errors), done.stderr
    assert not output.exists()


# Which builds make them -------------------------------------------------------------------


def downloads(path) -> str:
    line = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").select_one("main .downloads")
    return "" if line is None else " ".join(line.get_text().split())


def test_make_html_builds_no_edition_and_make_epub_the_book(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(SEED_CONTENT, content)
    output = tmp_path / "output"
    html = run_make("html", INPUTDIR=str(content), OUTPUTDIR=str(output))
    assert html.returncode == 0, html.stderr
    assert not (output / EPUB).exists() and not (output / "print.html").exists()
    assert downloads(output / "index.html") == ""
    epub = run_make("epub", INPUTDIR=str(content), OUTPUTDIR=str(output))
    assert epub.returncode == 0, epub.stderr
    assert (output / EPUB).is_file() and not (output / "print.html").exists()
    assert "EPUB (" in downloads(output / "table-of-contents.html")
    again = run_make("html", INPUTDIR=str(content), OUTPUTDIR=str(output))  # and gone again
    assert again.returncode == 0 and not (output / EPUB).exists()
    assert downloads(output / "table-of-contents.html") == ""


def test_an_edit_makes_the_book_again_with_the_new_text(guide):
    guide.page("a.md", "First words.\n", title="A", slug="a", sortorder="0101")
    guide.page("b.md", "Other words.\n", title="B", slug="b", sortorder="0102")
    settings = {"GUIDE_EDITIONS": '["epub"]'}
    assert guide.build(settings=settings).returncode == 0
    guide.page("a.md", "Second words.\n", title="A", slug="a", sortorder="0101")
    result = guide.build(settings=settings)
    assert result.returncode == 0, result.stderr
    assert b"Second words." in read_book(guide.output / EPUB)["EPUB/site/a.xhtml"]


def test_the_devserver_never_makes_the_editions():
    from pelican.plugins.guide.devserver import DevSettings

    settings = {"GUIDE_EDITIONS": ["epub", "print"]}
    DevSettings(serving=False)(settings)
    assert settings["GUIDE_EDITIONS"] == ()


# The published site -----------------------------------------------------------------------


def test_the_published_site_has_both_editions_in_its_sitemap_and_llms_txt(published_site):
    from conftest import PUBLISHED_SITEURL

    output = published_site.output
    assert (output / EPUB).is_file() and (output / "print.html").is_file()
    sitemap = (output / "sitemap.xml").read_text()
    assert f"<loc>{PUBLISHED_SITEURL}/{EPUB}</loc>" in sitemap
    assert "print.html" not in sitemap  # noindex: every page is on the site at its own address
    assert f"({PUBLISHED_SITEURL}/print.html)" in (output / "llms.txt").read_text()
    assert (output / "print.html.br").is_file()


def test_epubcheck_finds_no_error_in_the_servers_book(published_site):
    assert epubcheck_errors(published_site.output / EPUB) == []


@pytest.mark.slow
def test_epubcheck_finds_no_error_in_the_book_of_1000_pages(thousand_guide):
    assert epubcheck_errors(thousand_guide.output / EPUB) == []


def test_the_nu_html_checker_finds_no_error_in_print_html_and_the_download_line(published_site):
    from html_checks import vnu_errors
    from tools import vnu_command

    files = [published_site.output / name for name in ("print.html", "index.html", "table-of-contents.html")]
    assert vnu_errors(vnu_command(), files) == {}


@pytest.mark.browser
def test_print_html_in_chromium_passes_axe_breaks_chapters_and_prints_to_pdf(published_site, new_context):
    import browser_checks as bc
    from tools import serve

    with serve(published_site.output) as url:
        seen = bc.visit(new_context(), url + "print.html")
        assert bc.csp_problems(seen) == []
        assert bc.axe_problems(seen.page) == []
        seen.page.emulate_media(media="print")
        breaks = seen.page.eval_on_selector_all(
            "section.print-chapter", "sections => sections.map(s => getComputedStyle(s).breakBefore)"
        )
        assert breaks and set(breaks) == {"page"}
        assert seen.page.pdf().startswith(b"%PDF")
