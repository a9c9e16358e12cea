"""Each reader check catches its target missed: a small guide, broken once on purpose.

tests/test_reader_site.py runs the same checks on the real site, where they find nothing.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import string
from collections.abc import Callable
from dataclasses import dataclass, field

import browser_checks as bc
import pytest
import wayfinding_checks as wf
from conftest import CONSOLE, run_build
from html_checks import head_problems, pygments_problems, vnu_errors
from tools import REPO, serve, vnu_command

SENTENCE = "Servers run every layer of software that answers the requests of web browsers. "
# Long enough to wrap and to scroll past "On this page" (two headings make the list), with an
# external link for print.
BODY = (
    "## Why servers\n\n"
    + SENTENCE * 6
    + "\n\nRead [the WSGI specification](https://peps.python.org/pep-3333/) next.\n"
    + "\n## Where servers run\n\n"
    + (SENTENCE * 6 + "\n\n") * 6
)
TINY_SVG = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20width='8'%20height='8'/%3E"


def build_guide(guide, tmp_path, *, body: str = BODY, theme: dict[str, Callable[[str], str]] | None = None):
    """Two pages of one chapter; `theme` maps files of a copy of theme/ to an edit of each."""
    guide.page("wsgi.md", title="WSGI", slug="wsgi", sortorder="0201")
    guide.page("servers.md", body=body, title="Servers", slug="servers", sortorder="0202")
    settings = {}
    if theme:
        copy = tmp_path / "theme"
        shutil.copytree(REPO / "theme", copy)
        for name, edit in theme.items():
            path = copy / name
            path.write_text(edit(path.read_text(encoding="utf-8") if path.exists() else ""))
        settings["THEME"] = json.dumps(str(copy))
    result = guide.build(settings=settings)
    assert result.returncode == 0, result.stderr
    return result


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, f"{old!r} is no longer in the theme: update this test"
        return text.replace(old, new)

    return edit


def drop_dark_scheme(css: str) -> str:
    """Every light-dark(light, dark) colour made light-dark(light, light)."""
    kept, found = re.subn(r"light-dark\((#[0-9a-f]+), #[0-9a-f]+\)", r"light-dark(\1, \1)", css)
    assert found > 10
    return kept


def bloat(_: str) -> str:
    """20 KiB of rules whose class names are random, so they hardly compress."""
    letters = string.ascii_letters + string.digits
    pick = random.Random(3).choice
    rules = (f".c{''.join(pick(letters) for _ in range(40))}{{margin:1px}}" for _ in range(400))
    return "\n".join(rules)[: 20 * 1024]


@dataclass
class Broken:
    """A site broken one way, the check that must notice it, and what it must say."""

    check: Callable
    expect: str
    body: str = BODY
    theme: dict = field(default_factory=dict)
    width: int = bc.DESKTOP
    scheme: str = "light"
    settle: bool = False


def page_check(function):
    return lambda seen: function(seen.page)


def tab_then(function):
    def run(seen):
        stops = bc.tab_through(seen.page)
        return function(stops) if function is bc.focus_problems else function(seen.page, stops)

    return run


BROWSER_CASES = {
    "image without alt text": Broken(
        page_check(bc.axe_problems), "image-alt", body=BODY + f'\n<img src="{TINY_SVG}">\n'
    ),
    "low contrast in dark mode only": Broken(
        page_check(bc.axe_problems),
        "color-contrast",
        scheme="dark",
        theme={
            "css/10-variables.css": replace(
                "--color-text: light-dark(#1b1f24, #e6e9ee);", "--color-text: light-dark(#1b1f24, #3d434b);"
            )
        },
    ),
    "a 20 KiB stylesheet": Broken(
        bc.weight_problems, "over the 14336 byte limit", theme={"css/50-bloat.css": bloat}
    ),
    "a script in the template": Broken(
        bc.request_problems,
        "3 <script> element(s)",
        theme={"templates/base.html": replace("</body>", "<script>document.title = 'x'</script>\n</body>")},
    ),
    "a web font": Broken(
        bc.request_problems,
        "web font(s) declared",
        theme={"css/50-font.css": lambda _: "@font-face { font-family: Serif2; src: url(serif2.woff2); }"},
    ),
    "a script blocked by the CSP": Broken(
        bc.csp_problems,
        "CSP violation: script-src",
        theme={"templates/base.html": replace("</body>", "<script>document.title = 'x'</script>\n</body>")},
    ),
    "CSS that no longer matches its hash": Broken(
        bc.csp_problems,
        "the inline CSS did not apply",
        theme={"templates/partials/head-meta.html": replace("<style>{{", "<style> {{")},
    ),
    "an image over plain http": Broken(
        bc.mixed_content_problems,
        "subresource over plain http: http://example.org/x.png",
        body=BODY + '\n<img src="http://example.org/x.png" alt="A server rack">\n',
    ),
    "the skip link after the header": Broken(
        page_check(bc.skip_link_problems),
        "the first Tab stop is",
        theme={
            "templates/base.html": replace(
                '<a class="skip-link" href="#content">Skip to content</a>\n'
                '{% include "partials/header.html" %}',
                '{% include "partials/header.html" %}\n'
                '<a class="skip-link" href="#content">Skip to content</a>',
            )
        },
    ),
    "focus outline removed": Broken(
        tab_then(bc.focus_problems),
        "focus not visible on a",
        theme={"css/50-no-focus.css": lambda _: "a:focus-visible { outline: none; }"},
    ),
    "a link taken out of the Tab order": Broken(
        tab_then(bc.keyboard_reach_problems),
        'link "Tabless" is never reached by Tab',
        body=BODY + '\n<p><a href="wsgi.html" tabindex="-1">Tabless</a></p>\n',
    ),
    "a wide box at 320px": Broken(
        page_check(bc.horizontal_scroll_problems),
        "scrolls sideways",
        width=bc.NARROW,
        theme={"css/50-wide.css": lambda _: "main.content { min-width: 30rem; }"},
    ),
    "the sidebar hidden on wide screens": Broken(
        lambda seen: bc.sidebar_problems(seen.page, bc.DESKTOP),
        "the sidebar is hidden",
        theme={
            "css/40-components.css": replace(
                "    display: block;\n    position: sticky;", "    display: none;\n    position: sticky;"
            )
        },
    ),
    "the sidebar no drawer on phones": Broken(
        lambda seen: bc.sidebar_problems(seen.page, bc.PHONE),
        "inline above the article before the reader asks",
        width=bc.PHONE,
        theme={
            "templates/partials/sidebar.html": replace(
                ' aria-label="Table of contents" popover>', ' aria-label="Table of contents">'
            )
        },
    ),
    "the sidebar's drawer in the page's flow": Broken(
        lambda seen: bc.sidebar_problems(seen.page, bc.PHONE),
        "is not a drawer over the page",
        width=bc.PHONE,
        theme={"css/50-inline.css": lambda _: ".sidebar:popover-open { position: static; }"},
    ),
    "the menu button still there beside the sidebar": Broken(
        lambda seen: bc.sidebar_problems(seen.page, bc.DESKTOP),
        "the menu button shows",
        theme={"css/50-menu.css": lambda _: ".site-header .menu-button { display: inline-flex; }"},
    ),
    "a second script": Broken(
        bc.request_problems,
        "3 <script> element(s)",
        theme={
            "templates/base.html": replace(
                "</body>", '<script src="{{ GUIDE_ROOT }}/theme/guide.js" defer></script>\n</body>'
            )
        },
    ),
    "the script by an address from the root": Broken(
        bc.request_problems,
        "is not loaded by a relative URL",
        theme={
            "templates/partials/head-meta.html": replace(
                'src="{{ GUIDE_ROOT }}/theme/guide.js"', 'src="/theme/guide.js"'
            )
        },
    ),
    "a 5 KiB script": Broken(
        bc.weight_problems,
        "guide.js: ",
        theme={"js/guide.js": lambda script: script + "\n/* " + bloat("")[: 6 * 1024] + " */\n"},
        settle=True,
    ),
    '"On this page" open on phones': Broken(
        lambda seen: bc.on_this_page_problems(seen.page, bc.PHONE),
        "open before the reader asks",
        width=bc.PHONE,
        theme={"templates/partials/on-this-page.html": replace("<details ", "<details open ")},
    ),
    '"On this page" scrolls away on wide screens': Broken(
        lambda seen: bc.on_this_page_problems(seen.page, bc.WIDE),
        "does not stay in view",
        theme={"css/30-layout.css": replace("    position: sticky;\n", "")},
    ),
    '"On this page" above the text on wide screens': Broken(
        lambda seen: bc.on_this_page_problems(seen.page, bc.WIDE),
        "is not beside the text",
        theme={"css/30-layout.css": replace("    grid-column: 2;\n", "")},
    ),
    "lines too long to read": Broken(
        page_check(bc.line_length_problems),
        "a line of body text holds",
        theme={"css/50-wide.css": lambda _: ":root { --measure: 120ch; --layout-width: 100rem; }"},
    ),
    "no dark colours": Broken(
        page_check(bc.dark_mode_problems),
        "dark scheme: the page is not dark",
        theme={"css/10-variables.css": drop_dark_scheme},
    ),
    "no print stylesheet": Broken(
        page_check(bc.print_problems),
        "does not show its address",
        theme={"css/90-print.css": lambda _: ""},
    ),
}


@pytest.mark.browser
@pytest.mark.parametrize("case", BROWSER_CASES.values(), ids=BROWSER_CASES.keys())
def test_browser_check_names_the_break(guide, tmp_path, new_context, case):
    site = build_guide(guide, tmp_path, body=case.body, theme=case.theme)
    with serve(site.output) as url:
        seen = bc.visit(new_context(case.width, case.scheme), url + "servers.html", settle=case.settle)
        problems = case.check(seen)
    assert any(case.expect in line for line in problems), problems


@pytest.mark.browser
def test_axe_reports_the_dark_contrast_only_in_dark(guide, tmp_path, new_context):
    """The light scheme of the same broken theme passes: the scheme under test matters."""
    case = BROWSER_CASES["low contrast in dark mode only"]
    site = build_guide(guide, tmp_path, theme=case.theme)
    with serve(site.output) as url:
        light = bc.visit(new_context(bc.DESKTOP, "light"), url + "servers.html")
        assert bc.axe_problems(light.page) == []


# Checks on the written HTML ---------------------------------------------------------------


def test_nu_checker_reports_invalid_html(guide, tmp_path):
    # Raw HTML the build lets through (a body's ids it makes unique: test_published.py).
    site = build_guide(guide, tmp_path, body=BODY + "\n<ul><div>Not a list item</div></ul>\n")
    errors = vnu_errors(vnu_command(), [site.output / "servers.html", site.output / "wsgi.html"])
    assert list(errors) == ["servers.html"]
    assert any(
        "Element “div” not allowed as child of element “ul”" in line for line in errors["servers.html"]
    ), errors


@pytest.mark.parametrize(
    "line, expect",
    [
        ('<meta property="og:url" content="{{ GUIDE_PUBLIC_URL }}{{ canonical_path }}">\n', "og:url is None"),
        ('<meta name="referrer" content="strict-origin-when-cross-origin">\n', "referrer policy is None"),
        ('<link rel="icon" href="{{ GUIDE_STYLES.favicon }}">\n', "no inline SVG favicon"),
    ],
)
def test_head_check_reports_missing_metadata(guide, tmp_path, line, expect):
    site = build_guide(guide, tmp_path, theme={"templates/partials/head-meta.html": replace(line, "")})
    problems = head_problems(site.html("servers.html"), "servers.html", "https://servers-guide.example.org")
    assert any(expect in problem for problem in problems), problems


def test_pygments_css_comes_with_code_and_only_with_code(guide, tmp_path):
    site = build_guide(guide, tmp_path, body=BODY + "\n```python\nprint('hello')\n```\n")
    with_code = site.html("servers.html")
    assert ".highlight" in with_code and pygments_problems(with_code) == []
    assert ".highlight" not in site.html("wsgi.html") and pygments_problems(site.html("wsgi.html")) == []
    # The same page with its code block gone but the CSS kept: the check names it.
    stripped = re.sub(r'<div class="highlight">.*?</div>', "", with_code, flags=re.S)
    assert pygments_problems(stripped) == ["Pygments CSS on a page without a code block"]


# What the theme's script and the sidebar do, on a guide long enough to need them ----------

LONG_PAGES = 80  # a chapter-50 section of 55 pages: a group long enough for a filter
LONG_PAGE = "s1-example-50.html"  # near its end: far down the sidebar


def build_long_guide(root, theme: dict[str, Callable[[str], str]]):
    """tests/perf/synthetic.py's guide at 80 pages, a console block first on LONG_PAGE, built
    with a copy of the theme edited by `theme`."""
    from perf.synthetic import write_guide

    content = root / "content"
    write_guide(content, LONG_PAGES)
    source = next(path for path in content.rglob("*.markdown") if "slug: s1-example-50\n" in path.read_text())
    head, body = source.read_text().split("\n\n", 1)
    source.write_text(f"{head}\n\n{CONSOLE}\n{body}")
    copy = root / "theme"
    shutil.copytree(REPO / "theme", copy)
    for name, edit in theme.items():
        path = copy / name
        path.write_text(edit(path.read_text(encoding="utf-8") if path.exists() else ""))
    result = run_build(content, root / "output", settings={"THEME": json.dumps(str(copy))})
    assert result.returncode == 0, result.stderr
    return result


# Each site is broken in several ways at once, each in a part of the theme that the other
# breaks do not touch; each check is run on its own and must name its own break. The same
# checks pass on the unbroken theme in tests/test_reader_guide.py.
def edits(*changes: Callable[[str], str]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        for change in changes:
            text = change(text)
        return text

    return edit


SCRIPT_BREAKS = {
    "js/guide.js": edits(
        replace("    centre();\n", "\n"),  # the current entry left where it is
        replace("    setupFilters();\n", ""),
        replace("    setupOnThisPage();\n", ""),
        replace('const slash = event.key === "/" && !typing;', "const slash = false;"),
        replace("    setupSearch();\n", "    setupSearch();\n    openIndex();\n"),  # Pagefind on load
        replace('".linenos, .gp, .go"', '".linenos, .go"'),  # prompts copied
        replace('sidebar.addEventListener("keydown"', 'sidebar.addEventListener("keydown-never"'),  # no trap
        replace('.filter((part) => part.url.includes("#")).slice(0, 3)', ".slice(0, 0)"),  # no sections
        replace("more.hidden = shown >= ranked.length;", "more.hidden = true;"),  # no more results
        replace("const SHOWN = 5;", "const SHOWN = 40;"),  # excerpts of results not on screen
        replace("const WAIT = 250;", "const WAIT = 0;"),  # a search at every key
        replace("if (ranked.length < 3) {", "if (false) {"),  # no suggestions
        replace(
            "    setupSearch();\n",
            "    setupSearch();\n"
            '    setTimeout(() => document.querySelector("main")'
            '.prepend(make("p", { textContent: "Late" })), 100);\n',
        ),  # the text moves after load
    ),
}
PAGE_BREAKS = {
    "css/50-broken.css": lambda _: (
        ".site-header { flex-wrap: wrap; } .site-name { flex-basis: 100%; }\n"  # two rows
        ".page-header { margin-top: 12rem; }\n"  # the title pushed down
        "main .contents ol { list-style: decimal !important; "
        "columns: auto !important; }\n"  # markers, one column
        ".page-body .headerlink { opacity: 1; }\n"  # heading links always shown
        ".site-header { position: static; }\n"  # a header that scrolls away
        ".breadcrumb { display: none; }\n"
        ".search-close { display: none !important; }\n"
        ".search-keys { display: none !important; }\n"
    ),
    "templates/page.html": replace('<p class="back-to-top"><a href="#top">Back to top</a></p>', ""),
    "templates/partials/search-form.html": edits(
        replace(
            '<div class="search-form" role="search">',
            '<form class="search-form" role="search" action="search.html">',
        ),
        replace("</p>\n</div>", "</p>\n</form>"),
    ),  # without script, Enter leaves the page and the query
    "templates/404.html": replace(
        "{% set GUIDE_ROOT = GUIDE_SITE_PATH %}", ""
    ),  # its script by a relative path
    "templates/partials/header.html": replace(' popovertarget="sidebar"', ""),  # a menu that opens nothing
    "init.js": replace(
        'if(t=="light"||t=="dark")document.documentElement.dataset.theme=t', ""
    ),  # scheme after paint
}


@pytest.fixture(scope="module")
def broken_script_site(tmp_path_factory):
    with serve(build_long_guide(tmp_path_factory.mktemp("script-broken"), SCRIPT_BREAKS).output) as url:
        yield url


@pytest.fixture(scope="module")
def broken_page_root(tmp_path_factory):
    return build_long_guide(tmp_path_factory.mktemp("page-broken"), PAGE_BREAKS).output


@pytest.fixture(scope="module")
def broken_page_site(broken_page_root):
    with serve(broken_page_root) as url:
        yield url


LONG_CASES = {
    "the current entry left out of view": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: bc.current_entry_problems(seen.page),
        "outside the sidebar's visible box",
    ),
    "a long group without its filter": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: bc.filter_problems(seen.page, "1.3", "Example 1.30"),
        "no filter field",
    ),
    '"On this page" standing still': (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: bc.on_this_page_follow_problems(seen.page),
        '"On this page" marks []',
    ),
    "/ opening nothing": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: bc.dialog_search(seen, "server")[1],
        "/ does not open the search dialog",
    ),
    "Pagefind loaded with the page": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: bc.dialog_search(seen, "server", "Control+k")[1],
        "Pagefind's files were loaded before the reader searched",
    ),
    "the prompt copied with the command": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: bc.copy_problems(seen.page, "pip install flask"),
        "the clipboard holds '$ pip install flask",
    ),
    "the header on two rows": (
        "page",
        LONG_PAGE,
        360,
        lambda seen, url: bc.header_row_problems(seen.page),
        "more than one row",
    ),
    "the title pushed down on a phone": (
        "page",
        LONG_PAGE,
        390,
        lambda seen, url: bc.heading_problems(seen.page),
        "px down, below 200px",
    ),
    "a marker before each contents label": (
        "page",
        "table-of-contents.html",
        bc.DESKTOP,
        lambda seen, url: bc.contents_marker_problems(seen.page),
        "draw a marker before the label",
    ),
    "the contents in one column": (
        "page",
        "table-of-contents.html",
        bc.DESKTOP,
        lambda seen, url: bc.contents_column_problems(seen.page),
        "one column",
    ),
    "heading links always shown": (
        "page",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: bc.heading_link_problems(seen.page),
        "shows without hover or focus",
    ),
    "a menu button that opens nothing": (
        "page",
        LONG_PAGE,
        390,
        lambda seen, url: bc.drawer_keyboard_problems(seen.page),
        "Enter on the menu button does not open the drawer",
    ),
    "a header that scrolls away": (
        "page",
        LONG_PAGE,
        390,
        lambda seen, url: wf.header_problems(seen.page, 390),
        "the header is at",
    ),
    "no way back to the top": (
        "page",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: wf.back_to_top_problems(seen.page),
        "0 'Back to top' links",
    ),
    "the breadcrumb hidden": (
        "page",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: wf.breadcrumb_problems(seen.page, ["Code Examples", "Example 1.0", "Example 1.50"]),
        "no breadcrumb in view",
    ),
    "no close button on phones": (
        "page",
        LONG_PAGE,
        390,
        lambda seen, url: wf.close_button_problems(seen.page),
        "no close button in view",
    ),
    "no keys in the header's field": (
        "page",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: wf.shortcut_hint_problems(seen.page),
        "shows no keys",
    ),
    "the drawer lets focus out": (
        "script",
        LONG_PAGE,
        390,
        lambda seen, url: wf.drawer_trap_problems(seen.page),
        "Tab takes focus out of the open drawer",
    ),
    "results without their sections": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: (
            wf.dialog_query(seen.page, "bare metal") and wf.result_structure_problems(seen.page)
        ),
        "no result lists its matching sections",
    ),
    "results out of reach": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: (
            wf.dialog_query(seen.page, "bare metal") and wf.reach_every_result_problems(seen.page)
        ),
        "but the list reaches 40 results",
    ),
    "excerpts of results not on screen": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: wf.search_cost_problems(seen.page, "bare metal"),
        "requests from the first key",
    ),
    "a search at every key": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: wf.typing_fetch_problems(seen.page, "replication"),
        "before the reader stopped",
    ),
    "no suggestion for a typo": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: wf.suggestion_problems(seen.page, "gunicron", "Gunicorn"),
        '"gunicron" offers []',
    ),
    "text that moves after load": (
        "script",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: (
            [f"layout shift {wf.layout_shift(seen.page)}"] if wf.layout_shift(seen.page) else []
        ),
        "layout shift 0.",
    ),
    "the colour scheme applied after the first paint": (
        "page",
        LONG_PAGE,
        bc.DESKTOP,
        lambda seen, url: bc.scheme_problems(seen.page.context, url + LONG_PAGE, url + "c1-page-3.html"),
        "first frame has data-theme None",
    ),
}


@pytest.mark.browser
@pytest.mark.parametrize("site, name, width, check, expect", LONG_CASES.values(), ids=LONG_CASES.keys())
def test_script_and_sidebar_checks_name_the_break(request, browser, site, name, width, check, expect):
    url = request.getfixturevalue(f"broken_{site}_site")
    context = browser.new_context(
        viewport={"width": width, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    try:
        problems = check(bc.visit(context, url + name), url)
    finally:
        context.close()
    assert any(expect in line for line in problems), problems


@pytest.mark.browser
def test_without_script_the_search_check_names_a_box_that_leaves_the_page(broken_page_root, browser):
    from tools import serve

    with serve(broken_page_root) as url:
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": bc.DESKTOP, "height": 900}
        )
        try:
            page = context.new_page()
            page.goto(url + LONG_PAGE)
            problems = wf.no_script_search_problems(page)
        finally:
            context.close()
    assert any("Enter took the reader to" in line for line in problems), problems


@pytest.mark.browser
def test_the_404_check_names_a_script_loaded_relative_to_the_missing_address(
    broken_page_root, new_context, tmp_path
):
    from test_nginx import running_nginx

    with running_nginx(broken_page_root, tmp_path) as port:
        seen = bc.visit(new_context(), f"http://127.0.0.1:{port}/a/b/c/missing")
        problems = wf.not_found_problems(seen)
    assert any("the 404 page's script did not run" in line for line in problems), problems


@pytest.mark.browser
def test_the_label_check_names_a_label_broken_inside_a_word(tmp_path_factory, new_context):
    from test_reader_wayfinding import LONG_LABELS, labels_site
    from tools import serve

    site = labels_site(
        tmp_path_factory.mktemp("labels-broken"),
        {"css/50-broken.css": lambda _: ".sidebar a { word-break: break-all; }"},
    )
    with serve(site) as url:
        page = bc.visit(new_context(bc.DESKTOP), url + "p3.html").page
        problems = wf.label_break_problems(page, f"{wf.SIDEBAR} li > a")
    assert any("breaks inside a word" in line for line in problems), (problems, LONG_LABELS[0])
