"""The check is a proof: break the code that makes the navigation, or the theme that prints
it, and the build fails with a line naming the page and what is wrong. Then the check's
own functions on HTML edited one thing at a time."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import REPO, Guide
from guides import every_shape_settings, write_every_shape
from pelican.plugins.guide.check import page as checks
from pelican.plugins.guide.check.expected import Expected, Facts, Row


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    guide = Guide(tmp_path_factory.mktemp("check"))
    write_every_shape(guide)
    return guide, every_shape_settings(guide)


def broken_build(guide, conffile, case, output_name="output"):
    command = [
        sys.executable,
        str(REPO / "tests" / "broken_build.py"),
        case,
        str(guide.content),
        "-o",
        str(guide.root / output_name),
        "-s",
        str(conffile),
        "--cache-path",
        str(guide.root / f".cache-{case}"),
    ]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "case, line",
    [
        (
            "wrong_label",
            'servers.html): sidebar lacks "5. Deployment" -> table-of-contents.html#chapter-5 at depth 0',
        ),
        ("images_unsized", "servers.html): image img/logo.png has no width and height"),
        ("breadcrumb_without_section", "(django-apps.html): breadcrumb reads [('Code Examples',"),
        (
            "wrong_tie_order",
            'servers.html): sidebar line 4 is "Servers" -> servers.html at depth 1, expected "Apache"',
        ),
        (
            "section_dropped",
            'django-apps.html): sidebar lacks "pandas Example Code" -> pandas-code.html at depth 1',
        ),
        (
            "second_toc_page_ignored",
            'servers.html): sidebar lacks "What Full Stack Means" -> what-full-stack-means.html',
        ),
        (
            "current_marked_on_the_chapter",
            'why-python.html): sidebar marks "1. Introduction" (introduction.html) as the current page',
        ),
        (
            "groups_left_closed",
            'why-python.html): sidebar group "1. Introduction" is closed, but holds the current page',
        ),
        (
            "every_group_open",
            'table-of-contents.html: contents group "Django Extensions" is open, '
            "but does not hold the current page",
        ),
    ],
)
def test_breaking_the_navigation_code_fails_the_build_naming_the_page(shapes, case, line):
    guide, conffile = shapes
    done = broken_build(guide, conffile, case, f"out-{case}")
    assert done.returncode == 1, done.stderr
    errors = [text for text in done.stderr.splitlines() if text.startswith("error: ")]
    assert any(line in error for error in errors), done.stderr
    assert any(".md (" in error or "table-of-contents.html" in error for error in errors)  # the file to fix
    assert not (guide.root / f"out-{case}").exists()  # nothing swapped in


def test_the_unbroken_navigation_passes_the_same_check(shapes):
    guide, conffile = shapes
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pelican.plugins.guide import build; sys.exit(build.build(sys.argv[1:]))",
            str(guide.content),
            "-o",
            str(guide.root / "out-good"),
            "-s",
            str(conffile),
            "--cache-path",
            str(guide.root / ".cache-good"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "template, old, new, line",
    [
        ("partials/nav-entry.html", ' aria-current="page"', "", "its own sidebar link lacks aria-current"),
        (
            "partials/nav-tree.html",
            "{{ loop(item.children) }}",
            "",
            'sidebar lacks "Apache" -> apache.html at depth 1',
        ),
        (
            "partials/nav-entry.html",
            "{{ entry.label|breakable }}</a>{% else %}",
            "{{ entry.label|upper }}</a>{% else %}",
            'sidebar lacks "Hosting"',
        ),
        ("partials/prev-next.html", 'rel="next"', 'rel="nofollow"', "next link goes to None, expected"),
        (
            "page.html",
            "<h1>{{ page.title|breakable }}</h1>",
            "<h1>{{ page.sidebartitle }}</h1>",
            'first <h1> is "Why Python", expected "Why Python?"',
        ),
        (
            "partials/head-meta.html",
            '<meta name="description" content="{{ description }}">',
            "",
            'meta description is "None"',
        ),
        (
            "partials/on-this-page.html",
            "{% for level, anchor, text in page.headings %}",
            "{% for level, anchor, text in page.headings[1:] %}",
            '"On this page" lists 1 headings, expected 2',
        ),
        (
            "partials/sidebar.html",
            "table-of-contents.html",
            "table-of-content.html",
            "points to table-of-content.html, which was not written",
        ),
        # Groups folded against the rule: every one open (the contents pages show them all
        # closed), or none (every page's own chapter must be open).
        (
            "partials/nav-tree.html",
            "<details{% if item.open %} open{% endif %}>",
            "<details open>",
            'table-of-contents.html: contents group "Django Extensions" is open, '
            "but does not hold the current page",
        ),
        (
            "partials/nav-tree.html",
            "<details{% if item.open %} open{% endif %}>",
            "<details>",
            'servers.md (servers.html): sidebar group "5. Deployment" is closed, but holds the current page',
        ),
        (
            "partials/contents.html",
            '<h2{% if item.anchor %} id="{{ item.anchor }}"{% endif %}>'
            "{{ nav.entry(item.entry, item.current, SITEURL) }}</h2>",
            "<p>{{ nav.entry(item.entry, item.current, SITEURL) }}</p>",
            'contents lacks "1. Introduction" -> introduction.html at depth 0',
        ),
        # A chapter heading that leads to no heading of the contents page.
        (
            "partials/contents.html",
            ' id="{{ item.anchor }}"',
            "",
            'the sidebars lead "5. Deployment" to #chapter-5, which is no heading here',
        ),
        # The breadcrumb and its data, against the metadata.
        (
            "partials/breadcrumb.html",
            "{% for entry in page.nav.breadcrumb %}<li>",
            "{% for entry in page.nav.breadcrumb[1:] %}<li>",
            "breadcrumb reads [('Django Extensions', 'django-extensions.html')], expected",
        ),
        (
            "partials/breadcrumb.html",
            "breadcrumb_json(page.nav.breadcrumb, page.sidebartitle",
            "breadcrumb_json(page.nav.breadcrumb, page.title",
            "BreadcrumbList data lists",
        ),
        # The home page's chapters, and where to start.
        (
            "home.html",
            "{% for line in GUIDE.chapter_summary %}",
            "{% for line in GUIDE.chapter_summary[1:] %}",
            "index.html: lists the chapters",
        ),
        (
            "home.html",
            "{{ GUIDE.start.url }}",
            "{{ GUIDE.reading_order[-1].url }}",
            """index.html: its "Start reading" link goes to ['stray.html'], expected introduction.html""",
        ),
        (
            "redirect.html",
            'url={{ SITEURL }}/{{ page.url }}"',
            'url={{ SITEURL }}/moved-{{ page.url }}"',
            "servers-old.html: redirects to moved-servers.html, expected servers.html",
        ),
    ],
)
def test_breaking_the_theme_fails_the_build_naming_the_page(shapes, tmp_path, template, old, new, line):
    guide, _ = shapes
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    path = theme / "templates" / template
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    result = guide.build(conffile=every_shape_settings(guide, THEME=str(theme)), cache=tmp_path / "cache")
    assert result.returncode == 1
    assert any(line in error for error in result.error_lines), result.stderr


# The check's functions, on one written page edited one thing at a time ----------------

FACTS = [
    Facts(
        "introduction.html",
        "introduction.html",
        "a.md",
        "Introduction",
        "1. Introduction",
        "Start here.",
        1,
        0,
        0,
        "introduction",
        True,
        True,
        (),
    ),
    Facts(
        "why.html",
        "why.html",
        "b.md",
        "Why Python?",
        "Why Python",
        "Why.",
        1,
        0,
        1,
        "why",
        False,
        True,
        ((2, "one", "One"), (2, "two", "Two")),
    ),
    Facts(
        "servers.html",
        "servers.html",
        "c.md",
        "Servers",
        "Servers",
        "Servers.",
        5,
        0,
        2,
        "servers",
        False,
        True,
        (),
    ),
]
EXPECTED = Expected(FACTS, {5: "5. Deployment"}, {})
GOOD = """<!doctype html><html><head><title>Why Python? - Site</title>
<meta name="description" content="Why."></head><body>
<nav aria-label="Table of contents"><ol>
<li><a href="introduction.html">1. Introduction</a>\
<details open><summary aria-label="1. Introduction"></summary><ol>
<li><a href="why.html" aria-current="page">Why Python</a></li></ol></details></li>
<li><a class="nav-heading" href="table-of-contents.html#chapter-5">5. Deployment</a></li></ol></nav>
<main><article data-pagefind-body><h1>Why Python?</h1>\
<nav aria-label="On this page"><a href="#one">One</a><a href="#two">Two</a></nav>
<div class="page-body"><p><a href="servers.html">servers</a> <img src="img/x.png" alt="x"></p></div></article>
<nav class="pager"><a rel="prev" href="introduction.html">Introduction</a>\
<a rel="next" href="servers.html">Servers</a></nav>
</main></body></html>"""


def problems(html: str) -> list[str]:
    root = checks.parse(html)
    facts = FACTS[1]
    return checks.check_guide_page(
        root, facts, "", "Site", EXPECTED.sidebar(facts)[0], EXPECTED.neighbours(facts)
    )


def test_the_good_page_passes():
    assert problems(GOOD) == []
    assert EXPECTED.sidebar(FACTS[1])[0] == (
        Row(0, "1. Introduction", "introduction.html"),
        Row(1, "Why Python", "why.html"),
        Row(0, "5. Deployment", "table-of-contents.html#chapter-5"),
    )


@pytest.mark.parametrize(
    "old, new, line",
    [
        (
            '<li><a class="nav-heading" href="table-of-contents.html#chapter-5">5. Deployment</a></li>',
            "",
            'sidebar lacks "5. Deployment" -> table-of-contents.html#chapter-5 at depth 0',
        ),
        (
            '<a class="nav-heading" href="table-of-contents.html#chapter-5">5. Deployment</a>',
            "<span>5. Deployment</span>",
            'sidebar lists "5. Deployment" (heading) at depth 0, which does not belong there',
        ),
        (
            "table-of-contents.html#chapter-5",
            "table-of-contents.html#chapter-6",
            'sidebar lists "5. Deployment" -> table-of-contents.html#chapter-6',
        ),
        (">Why Python</a>", ">Why python</a>", 'sidebar lacks "Why Python" -> why.html at depth 1'),
        (
            '<a href="introduction.html">1. Introduction</a>',
            '<a href="introduction.html" aria-current="page">1. Introduction</a>',
            'sidebar marks "1. Introduction" (introduction.html) as the current page',
        ),
        (' aria-current="page"', "", "its own sidebar link lacks aria-current"),
        ('content="Why."', 'content="Other."', 'meta description is "Other.", expected "Why."'),
        (
            "<title>Why Python? - Site</title>",
            "<title>Why</title>",
            '<title> is "Why", expected "Why Python? - Site"',
        ),
        ("<h1>Why Python?</h1>", "<h1>Why</h1>", 'first <h1> is "Why", expected "Why Python?"'),
        (
            'rel="prev" href="introduction.html"',
            'rel="prev" href="servers.html"',
            "prev link goes to servers.html, expected introduction.html",
        ),
        ('<a href="#two">Two</a>', "", '"On this page" lists 1 headings, expected 2'),
        (
            "<details open>",
            "<details>",
            'sidebar group "1. Introduction" is closed, but holds the current page',
        ),
        (
            '<details open><summary aria-label="1. Introduction"></summary><ol>',
            "<ol>",
            'sidebar group "1. Introduction" does not fold (no <details>)',
        ),
        (
            "5. Deployment</a></li></ol></nav>",
            "5. Deployment</a><details><summary></summary><ol></ol></details></li></ol></nav>",
            'sidebar folds "5. Deployment", which has nothing under it',
        ),
    ],
)
def test_each_thing_broken_in_the_html_is_named(old, new, line):
    assert old in GOOD
    found = problems(GOOD.replace(old, new, 1))
    assert any(line in problem for problem in found), found


def test_links_in_the_body_and_in_the_theme_are_told_apart():
    root = checks.parse(GOOD)
    found = {(link.target, link.in_body) for link in checks.links(root, "why.html", "")}
    assert ("servers.html", True) in found and ("img/x.png", True) in found
    assert ("servers.html", False) in found  # the pager


def contents_html(rows, open_group: bool = False) -> str:
    """A contents page as the theme writes it: each chapter a heading, its pages a list."""
    parts, depth = [], 0
    for row in rows:
        line = f'<a href="{row.url}">{row.label}</a>'
        if row.depth == 0:
            anchor = f' id="{row.url.split("#")[1]}"' if "#" in row.url else ""
            parts.append(("</li></ol>" if depth else "") + f"<h2{anchor}>{line}</h2>")
            depth = 0
        else:
            parts.append(("<ol>" if depth == 0 else "</li>") + f"<li>{line}")
            depth = 1
    return "<main><div class='contents'>" + "".join(parts) + ("</li></ol>" if depth else "") + "</div></main>"


def test_the_contents_page_must_list_every_page_in_order():
    rows = EXPECTED.contents
    html = contents_html(rows)
    assert checks.check_contents(checks.parse(html), "x.html", "", rows) == []
    swapped = (
        html.replace("Why Python", "TEMP")
        .replace("1. Introduction", "Why Python")
        .replace("TEMP", "1. Introduction")
    )
    found = checks.check_contents(checks.parse(swapped), "x.html", "", rows)
    assert found and "contents" in found[0]
    flat = html.replace("<h2>", "<p>").replace("</h2>", "</p>")
    assert checks.check_contents(checks.parse(flat), "x.html", "", rows)[0].startswith(
        'contents lacks "1. Introduction"'
    )


def test_the_contents_page_shows_every_group_closed():
    """A section of a chapter with sections is a group; on the contents pages, closed."""
    facts = [
        *FACTS[:2],
        Facts("s1.html", "s1.html", "d.md", "S1", "Section one", "S.", 50, 1, 0, "s1", False, True, ()),
        Facts(
            "s1b.html", "s1b.html", "e.md", "S1b", "Section one, b", "S.", 50, 1, 1, "s1b", False, True, ()
        ),
    ]
    rows = Expected(facts, {50: "Code Examples"}, {50: 3}).contents
    group = (
        '<h2 id="chapter-50"><a href="table-of-contents.html#chapter-50">Code Examples</a></h2>'
        '<ol><li><a href="s1.html">Section one</a>'
        '<details{}><summary></summary><ol><li><a href="s1b.html">Section one, b</a></li></ol></details>'
        "</li></ol>"
    )
    html = contents_html(rows[:2]).replace("</div></main>", group.format("") + "</div></main>")
    assert checks.check_contents(checks.parse(html), "x.html", "", rows) == []
    opened = html.replace("<details>", "<details open>")
    assert checks.check_contents(checks.parse(opened), "x.html", "", rows) == [
        'contents group "Section one" is open, but does not hold the current page'
    ]


def test_code_blocks_are_not_parsed_but_the_rest_is():
    html = (
        '<html><body><h1>T</h1><div class="highlight"><pre tabindex="0"><span>x</span>'
        '<a href="nowhere.html">no</a></pre></div><p><a href="b.html">b</a></p></body></html>'
    )
    targets = [link.target for link in checks.links(checks.parse(html), "a.html", "")]
    assert targets == ["b.html"]


def test_images_get_their_sizes_and_load_lazily_below_the_first_screen(tmp_path):
    """images.sized: pixels from the file, width="100%" kept as a class, lazy past the
    first screen's text; a file it cannot read is named, a missing one left to the links."""
    from guides import tiny_png
    from pelican.plugins.guide.images import FIRST_SCREEN_CHARACTERS, sized

    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.png").write_bytes(tiny_png(30, 10))
    (tmp_path / "img" / "bad.png").write_bytes(b"not an image")
    text = "x" * (FIRST_SCREEN_CHARACTERS + 1)
    html = (
        '<p><img src="img/a.png" alt="A"></p>'
        f'<p>{text}</p><p><img src="img/a.png" width="100%" class="shot" alt="B">'
        '<img src="img/bad.png" alt="C"><img src="img/gone.png" alt="D"></p>'
    )
    out, unread = sized(html, "page.html", str(tmp_path))
    assert '<img src="img/a.png" alt="A" width="30" height="10">' in out
    assert (
        '<img src="img/a.png" class="shot full-width" alt="B" width="30" height="10" loading="lazy">' in out
    )
    assert unread == ["img/bad.png"]
