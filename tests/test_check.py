"""guide_check on good HTML finds nothing; each thing broken on purpose is named, alone."""

from __future__ import annotations

import pytest

from conftest import Guide
from guide_check import PageExpectation, check_written_page
from guide_navigation import SidebarEntry

SITE = "Full Stack Python"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    guide = Guide(tmp_path_factory.mktemp("check"))
    guide.page("c.md", title="Introduction", slug="introduction", sortorder="0100", toc="yes")
    guide.page("b.md", title="Why Python", slug="why-python", sortorder="0101",
               meta="Why the guide uses Python.")
    guide.page("a.md", title="Learning path", slug="learning-path", sortorder="0102")
    guide.page("d.md", title="Servers", slug="servers", sortorder="0502")
    guide.page("e.md", title="DevOps", slug="devops", sortorder="0600", toc="yes")
    guide.page("f.md", title="Monitoring", slug="monitoring", sortorder="0601")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    return result


WHY_PYTHON = PageExpectation(
    path="why-python.html",
    title=f"Why Python - {SITE}",
    h1="Why Python",
    description="Why the guide uses Python.",
    sidebar=[
        SidebarEntry("1. Introduction", "introduction.html", False, 0),
        SidebarEntry("Why Python", "why-python.html", True, 1),
        SidebarEntry("Learning path", "learning-path.html", False, 1),
        SidebarEntry("5. Deployment", None, False, 0),
        SidebarEntry("6. DevOps", "devops.html", False, 0),
    ],
)
READING_ORDER = ["introduction.html", "why-python.html", "learning-path.html",
                 "servers.html", "devops.html", "monitoring.html"]


def check(site, html, *, missing=(), name="why-python.html", **kinds):
    def file_exists(path):
        return path not in missing and (site.output / path).is_file()

    return check_written_page(html, name, siteurl="", file_exists=file_exists, **kinds)


def check_page(site, html, **kwargs):
    return check(site, html, expected=WHY_PYTHON, **kwargs)


def replace_once(html, old, new):
    assert html.count(old) >= 1, old
    return html.replace(old, new, 1)


def swap(html, first, second):
    assert first in html and second in html
    return html.replace(first, "@@").replace(second, first).replace("@@", second)


def test_the_good_page_passes(site):
    assert check_page(site, site.html("why-python.html")) == []


def test_the_good_contents_page_passes(site):
    assert check(site, site.html("table-of-contents.html"), name="table-of-contents.html",
                 contents=READING_ORDER) == []


def test_swapped_entries(site):
    html = site.html("why-python.html")
    why = '<li><a href="./why-python.html" aria-current="page">Why Python</a></li>'
    learn = '<li><a href="./learning-path.html">Learning path</a></li>'
    broken = swap(html, why, learn)
    assert check_page(site, broken) == [
        'why-python.html: sidebar entry 2 is "Learning path" -> learning-path.html, expected '
        '"Why Python" -> why-python.html (entries out of guide order)'
    ]


def test_dropped_landing_page(site):
    html = site.html("why-python.html")
    broken = replace_once(html, '<li><a href="./devops.html">6. DevOps</a>\n</li>', "")
    assert check_page(site, broken) == ['why-python.html: sidebar lacks "6. DevOps" -> devops.html']


def test_landing_page_shown_as_a_plain_heading(site):
    html = site.html("why-python.html")
    broken = replace_once(html, '<a href="./devops.html">6. DevOps</a>', '<span>6. DevOps</span>')
    assert check_page(site, broken) == [
        'why-python.html: sidebar lacks "6. DevOps" -> devops.html',
        'why-python.html: sidebar lists "6. DevOps" (heading), which does not belong in this page\'s sidebar',
    ]


def test_page_of_another_chapter_listed(site):
    html = site.html("why-python.html")
    learn = '<li><a href="./learning-path.html">Learning path</a></li>'
    broken = replace_once(html, learn, learn + '\n<li><a href="./monitoring.html">Monitoring</a></li>')
    assert check_page(site, broken) == [
        'why-python.html: sidebar lists "Monitoring" -> monitoring.html, which does not belong in this page\'s sidebar'
    ]


def test_wrong_label(site):
    html = site.html("why-python.html")
    broken = replace_once(html, ">Learning path</a>", ">Learning paths</a>")
    assert check_page(site, broken) == [
        'why-python.html: sidebar lacks "Learning path" -> learning-path.html',
        'why-python.html: sidebar lists "Learning paths" -> learning-path.html, which does not belong in this page\'s sidebar',
    ]


def test_aria_current_on_two_links(site):
    html = site.html("why-python.html")
    broken = replace_once(html, '<a href="./learning-path.html">', '<a href="./learning-path.html" aria-current="page">')
    assert check_page(site, broken) == [
        'why-python.html: aria-current is on "Learning path" (./learning-path.html), which is not this page'
    ]


def test_aria_current_missing_on_own_link(site):
    html = site.html("why-python.html")
    broken = replace_once(html, ' aria-current="page"', "")
    assert check_page(site, broken) == ['why-python.html: its own sidebar link lacks aria-current="page"']


def test_link_to_a_missing_file(site):
    html = site.html("why-python.html")
    assert check_page(site, html, missing={"learning-path.html"}) == [
        'why-python.html: sidebar link "Learning path" points to ./learning-path.html, '
        "but learning-path.html was not written",
        # the pager's next link points there too
        'why-python.html: link "Next Learning path" points to ./learning-path.html, '
        "but learning-path.html was not written",
    ]


def test_link_in_the_text_to_a_missing_file(site):
    html = replace_once(site.html("why-python.html"), "</article>", '<a href="/gone.html">gone</a></article>')
    assert check_page(site, html) == [
        'why-python.html: link "gone" points to /gone.html, but gone.html was not written'
    ]


def test_changed_description(site):
    html = replace_once(site.html("why-python.html"), 'content="Why the guide uses Python."',
                        'content="Something else."')
    assert check_page(site, html) == [
        'why-python.html: meta description is "Something else.", expected "Why the guide uses Python."'
    ]


def test_changed_title_and_heading(site):
    html = site.html("why-python.html")
    html = replace_once(html, "<title>Why Python - ", "<title>Why Java - ")
    html = replace_once(html, "<h1>Why Python</h1>", "<h1>Why Java</h1>")
    assert check_page(site, html) == [
        f'why-python.html: <title> is "Why Java - {SITE}", expected "Why Python - {SITE}"',
        'why-python.html: <h1> is "Why Java", expected "Why Python"',
    ]


def test_second_h1(site):
    html = replace_once(site.html("why-python.html"), "</article>", "<h1>Another</h1></article>")
    assert check_page(site, html) == ["why-python.html: has 2 <h1> elements, expected exactly one"]


def test_contents_page_out_of_order(site):
    html = site.html("table-of-contents.html")
    servers = '<li><a href="./servers.html">Servers</a></li>'
    learn = '<li><a href="./learning-path.html">Learning path</a></li>'
    broken = swap(html, servers, learn)
    assert check(site, broken, name="table-of-contents.html", contents=READING_ORDER) == [
        "table-of-contents.html: entry 3 is servers.html, expected learning-path.html (pages out of guide order)"
    ]


def test_contents_page_missing_a_page(site):
    html = replace_once(site.html("table-of-contents.html"), '<li><a href="./monitoring.html">Monitoring</a></li>', "")
    assert check(site, html, name="table-of-contents.html", contents=READING_ORDER) == [
        "table-of-contents.html: does not list monitoring.html"
    ]


def test_the_build_fails_when_the_theme_breaks_the_sidebar(tmp_path):
    """The check runs inside every build: a theme that loses aria-current fails it."""
    import json
    import shutil

    from conftest import REPO

    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    item = theme / "templates" / "partials" / "sidebar-item.html"
    item.write_text(item.read_text().replace('{% if current %} aria-current="page"{% endif %}', ""))
    guide = Guide(tmp_path / "g")
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    guide.page("b.md", title="B", slug="b", sortorder="0102")
    result = guide.build(settings={"THEME": json.dumps(str(theme))})
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert 'error: a.html: its own sidebar link lacks aria-current="page"' in lines, result.stderr
    assert 'error: b.html: its own sidebar link lacks aria-current="page"' in lines, result.stderr
    assert "error: the written site has 2 problems" in lines, result.stderr
    assert not guide.output.exists()
