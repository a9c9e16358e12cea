"""The guide's own conventions, on a small guide with every shape the real one has
(tests/guides.py): the sidebar of each kind of page, the table of contents, the pager,
sections, ties, headings, redirects, images and highlighted lines, read from the HTML."""

from __future__ import annotations

import pytest
from conftest import Guide
from guides import contents, every_shape_settings, groups, sidebar, write_every_shape

META = [
    (0, "Changelog", "./changelog.html", False),
    (0, "What Full Stack Means", "./what-full-stack-means.html", False),
    (0, "About the Author", "./about-the-author.html", False),
    (0, "Future Directions", "./future-directions.html", False),
    (0, "Page Statuses", "./page-statuses.html", False),
]
INTRODUCTION = (0, "1. Introduction", "./introduction.html", False)
# A chapter without a toc page: a heading that leads to its place on the contents page.
DEPLOYMENT = (0, "5. Deployment", "./table-of-contents.html#chapter-5", False)
EXAMPLES = (0, "Code Examples", "./table-of-contents.html#chapter-50", False)
CHAPTER_60 = (0, "Chapter 60", "./table-of-contents.html#chapter-60", False)
TOP = [INTRODUCTION, DEPLOYMENT, *META, EXAMPLES, CHAPTER_60]


def current(lines, label):
    return [(depth, text, href, text == label) for depth, text, href, _ in lines]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    guide = Guide(tmp_path_factory.mktemp("shapes"))
    write_every_shape(guide)
    result = guide.build(conffile=every_shape_settings(guide))
    assert result.returncode == 0, result.stderr
    return result


def test_a_page_of_a_chapter_without_a_toc_page(site):
    assert sidebar(site.soup("servers.html")) == [
        INTRODUCTION,
        DEPLOYMENT,
        (1, "Hosting", "./hosting.html", False),
        (1, "Apache", "./apache.html", False),  # shares 0502 with servers: ordered by slug
        (1, "Servers", "./servers.html", True),
        (1, "Oracle", "./Oracle.html", False),
        *META,
        EXAMPLES,
        CHAPTER_60,
    ]


def test_the_toc_page_of_a_chapter_is_its_entry_and_its_pages_go_under_it(site):
    assert sidebar(site.soup("introduction.html")) == [
        (0, "1. Introduction", "./introduction.html", True),
        (1, "Why Python", "./why-python.html", False),
        (1, "Learning path", "./learning-path.html", False),
        DEPLOYMENT,
        *META,
        EXAMPLES,
        CHAPTER_60,
    ]


def test_a_chapter_of_toc_pages_lists_each_at_the_top_in_position_order(site):
    assert sidebar(site.soup("about-the-author.html")) == current(TOP, "About the Author")


def test_a_page_of_a_section_opens_its_own_section_only(site):
    assert sidebar(site.soup("django-apps.html")) == [
        INTRODUCTION,
        DEPLOYMENT,
        *META,
        EXAMPLES,
        (1, "Django Extensions", "./django-extensions.html", False),
        (2, "Django Example Code", "./django-code.html", False),
        (2, "django.apps AppConfig", "./django-apps.html", True),
        (1, "Flask Extensions", "./flask-extensions.html", False),
        (1, "pandas Example Code", "./pandas-code.html", False),
        CHAPTER_60,
    ]


def test_the_first_page_of_a_section_is_the_section_link(site):
    lines = sidebar(site.soup("flask-extensions.html"))
    assert lines[lines.index(EXAMPLES) + 1 :][:4] == [
        (1, "Django Extensions", "./django-extensions.html", False),
        (1, "Flask Extensions", "./flask-extensions.html", True),
        (2, "flask.app Flask", "./flask-app.html", False),
        (1, "pandas Example Code", "./pandas-code.html", False),
    ]


def test_pages_outside_the_guide_show_the_chapters_only(site):
    for name in ("index.html", "search.html", "table-of-contents.html"):
        assert sidebar(site.soup(name)) == TOP, name
    # The 404 page is served at any address: it links from the server's root.
    assert sidebar(site.soup("404.html")) == [
        (depth, label, "/" + href.removeprefix("./"), current) for depth, label, href, current in TOP
    ]


def test_a_hidden_page_opens_its_chapter_but_is_not_listed(site):
    lines = sidebar(site.soup("hidden-notes.html"))
    assert lines[:4] == [
        INTRODUCTION,
        (1, "Why Python", "./why-python.html", False),
        (1, "Learning path", "./learning-path.html", False),
        DEPLOYMENT,
    ]
    assert not any(is_current for *_, is_current in lines)


def test_exactly_one_current_link_on_every_listed_page(site):
    for path in site.output.glob("*.html"):
        soup = site.soup(path.name)
        if soup.find("meta", attrs={"http-equiv": "refresh"}) or path.name in (
            "index.html",
            "404.html",
            "search.html",
            "table-of-contents.html",
            "hidden-notes.html",
        ):
            continue
        marked = soup.select('nav[aria-label="Table of contents"] [aria-current="page"]')
        assert [a["href"] for a in marked] == [f"./{path.name}"], path.name


def test_table_of_contents_lists_every_page_in_reading_order_without_numbers_of_its_own(site):
    soup = site.soup("table-of-contents.html")
    lines = contents(soup)
    assert [label for _, label, _, _ in lines] == [
        "1. Introduction",
        "Why Python",
        "Learning path",
        "5. Deployment",
        "Hosting",
        "Apache",
        "Servers",
        "Oracle",
        "Changelog",
        "What Full Stack Means",
        "About the Author",
        "Future Directions",
        "Page Statuses",
        "Code Examples",
        "Django Extensions",
        "Django Example Code",
        "django.apps AppConfig",
        "Flask Extensions",
        "flask.app Flask",
        "pandas Example Code",
        "Chapter 60",
        "Stray",
    ]
    assert [depth for depth, *_ in lines][13:20] == [0, 1, 2, 2, 1, 2, 1]
    # Chapters are headings; sections are groups, closed; no list draws its own numbers.
    assert [h2.get_text("", strip=True) for h2 in soup.select("main .contents > h2")][:2] == [
        "1. Introduction",
        "5. Deployment",
    ]
    assert {
        details.summary["aria-label"]: details.has_attr("open")
        for details in soup.select("main .contents details")
    } == {
        "Django Extensions": False,
        "Flask Extensions": False,
    }
    # Each chapter's heading has the id the sidebars' chapter headings lead to.
    assert [h2.get("id") for h2 in soup.select("main .contents > h2")][:3] == [
        "chapter-1",
        "chapter-5",
        "chapter-7",
    ]


def test_the_current_chapter_and_section_are_open_and_nothing_else_folds(site):
    assert groups(site.soup("django-apps.html")) == {"Code Examples": True, "Django Extensions": True}
    assert groups(site.soup("flask-extensions.html")) == {"Code Examples": True, "Flask Extensions": True}
    assert groups(site.soup("pandas-code.html")) == {"Code Examples": True}
    assert groups(site.soup("servers.html")) == {"5. Deployment": True}
    assert groups(site.soup("introduction.html")) == {"1. Introduction": True}  # its own group
    assert groups(site.soup("hidden-notes.html")) == {"1. Introduction": True}  # its chapter
    assert groups(site.soup("about-the-author.html")) == {}
    assert groups(site.soup("index.html")) == {}


def test_previous_and_next_follow_the_reading_order(site):
    pager = site.soup("apache.html").select_one('nav[aria-label="Previous and next pages"]')
    assert pager.find("a", rel="prev")["href"] == "./hosting.html"
    assert pager.find("a", rel="next")["href"] == "./servers.html"
    last = site.soup("oracle.html" if (site.output / "oracle.html").exists() else "Oracle.html")
    assert last.find("a", rel="next")["href"] == "./changelog.html"


def test_each_blemish_is_one_warning_naming_the_source_file(site):
    warnings = "\n".join(site.warning_lines)
    assert "05/apache.md: shares its place (chapter 5, position 2) with " in warnings
    assert 'oracle.md: slug "Oracle" has capital letters; the page is written as Oracle.html' in warnings
    assert (
        "60/x.md: sortorder puts it in chapter 60, "
        "which has no `toc: true` page and no title in GUIDE_CHAPTERS" in warnings
    )
    assert 'ex/flask-app.md: has a second <h1> "Example 2" in its body' in warnings
    assert len(site.warning_lines) == 4, site.stderr
    assert "4 warnings, 0 errors" in site.summary


def test_highlighted_lines_lose_their_marker_and_are_highlighted(site):
    code = site.soup("django-apps.html").select_one("div.highlight pre")
    highlighted = [line.get_text() for line in code.select("span.hll")]
    assert highlighted == ["from flask import Flask\n", "    app.run()\n"]
    assert "~~" not in code.get_text()


def test_images_in_the_content_folder_are_copied_and_linked_relative_to_the_page(site):
    image = site.soup("servers.html").select_one(".page-body img")
    assert image["src"] == "img/logo.png"
    assert (site.output / "img" / "logo.png").read_bytes().startswith(b"\x89PNG")


def test_on_this_page_lists_the_headings_and_is_left_out_under_two(site):
    nav = site.soup("servers.html").select_one('nav[aria-label="On this page"]')
    assert [(a["href"], a.get_text()) for a in nav.find_all("a")] == [
        ("#bare-metal", "Bare metal"),
        ("#virtual", "Virtual"),
    ]
    assert site.soup("hosting.html").select_one('nav[aria-label="On this page"]') is None


def test_aliases_write_redirect_pages_that_stay_out_of_the_sidebar(site):
    for old in ("servers-old.html", "machines.html"):
        soup = site.soup(old)
        assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=./servers.html"
        assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert soup.find("link", rel="canonical")["href"].endswith("/servers.html")
        assert soup.body.find("a")["href"] == "./servers.html"
    toc = site.html("table-of-contents.html")
    assert "servers-old" not in toc and "machines.html" not in toc
