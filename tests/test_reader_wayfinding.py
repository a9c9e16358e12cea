"""Readers find what they look for and keep their place, in Chromium: on the 1,000-page
synthetic guide (published for another address, served here; by nginx where the server
matters: the 404 page, the cost of a search), on the Servers site, and on a small guide of
long identifier labels. Each check is in wayfinding_checks.py; tests/test_reader_breakage.py
breaks each point on purpose and shows its check names it.
"""

from __future__ import annotations

import json
import shutil

import browser_checks as bc
import pytest
import wayfinding_checks as wf
from conftest import run_build
from guides import tiny_png
from perf.search_finding import synthetic_queries
from perf.synthetic import plan
from reader import record
from test_nginx import running_nginx

pytestmark = pytest.mark.browser

DEEP = "s1-example-300.html"  # page 300 of the 325-page section
OTHER = "c1-page-3.html"  # a page of chapter 1: chapter 50 shows without its pages
PHONE = (390, 844)


@pytest.fixture(scope="module")
def thousand_nginx(thousand_guide, tmp_path_factory):
    with running_nginx(thousand_guide.output, tmp_path_factory.mktemp("nginx-1000")) as port:
        yield f"http://127.0.0.1:{port}/"


# A header that stays, and a way back up -----------------------------------------------


@pytest.mark.parametrize("width", [PHONE[0], bc.DESKTOP])
def test_the_header_stays_in_reach_and_the_layout_does_not_move(new_context, thousand_url, width):
    page = bc.visit(new_context(width, height=PHONE[1]), thousand_url + DEEP).page
    assert wf.header_problems(page, width) == []
    assert wf.back_to_top_problems(page) == []
    shift = wf.layout_shift(page)
    record(f"{DEEP} layout shift after scrolling at {width}px", shift)
    assert shift == 0


# Every sidebar label leads somewhere, and wraps between words --------------------------


def test_a_chapter_shown_without_its_pages_leads_to_its_place_on_the_contents_page(new_context, thousand_url):
    page = bc.visit(new_context(bc.DESKTOP), thousand_url + OTHER).page
    assert wf.chapter_heading_problems(page, thousand_url) == []


# Labels as long as the real guide's: dotted modules, camelCase classes, underscores.
LONG_LABELS = [
    "django.contrib.admin.filters SimpleListFilter",
    "django.http HttpResponsePermanentRedirect",
    "django.contrib.staticfiles.storage CachedStaticFilesStorage",
    "sqlalchemy.orm.properties ColumnProperty",
    "django.utils.encoding DjangoUnicodeDecodeError",
    "flask_sqlalchemy.model DefaultMetaNamespaceOfTheModel",
    "django.views.decorators.csrf csrf_exempt_with_a_long_name",
]


def labels_site(root, theme: dict | None = None):
    """A chapter-50 section of LONG_LABELS, built (with a copy of the theme edited by
    `theme`, file -> edit) into root/output."""
    pages = root / "content" / "pages"
    pages.mkdir(parents=True)
    (pages / "intro.md").write_text("title: Intro\nslug: intro\nsortorder: 0100\ntoc: true\n\nText.\n")
    (pages / "ext.md").write_text("title: Django Extensions\nslug: ext\nsortorder: 500010000\n\nText.\n")
    for number, label in enumerate(LONG_LABELS, start=1):
        (pages / f"p{number}.md").write_text(
            f"title: {label} Example Code\nsidebartitle: {label}\nslug: p{number}\n"
            f"sortorder: 50001{number:04d}\n\nText about {label}.\n"
        )
    settings = {}
    if theme:
        copy = root / "theme"
        shutil.copytree(bc_repo() / "theme", copy)
        for name, edit in theme.items():
            path = copy / name
            path.write_text(edit(path.read_text(encoding="utf-8") if path.exists() else ""))
        settings["THEME"] = json.dumps(str(copy))
    result = run_build(root / "content", root / "output", settings=settings)
    assert result.returncode == 0, result.stderr
    return root / "output"


@pytest.fixture(scope="module")
def labels_url(tmp_path_factory):
    from tools import serve

    with serve(labels_site(tmp_path_factory.mktemp("labels"))) as url:
        yield url


def bc_repo():
    from tools import REPO

    return REPO


@pytest.mark.parametrize("width", [PHONE[0], bc.DESKTOP])
def test_long_labels_wrap_only_between_words_in_the_sidebar_contents_breadcrumb_and_title(
    new_context, labels_url, width
):
    context = new_context(width, height=PHONE[1])
    page = bc.visit(context, labels_url + "p3.html").page
    if width < bc.SIDEBAR_BESIDE:
        page.locator(wf.MENU).click()
    problems = wf.label_break_problems(page, f"{wf.SIDEBAR} li > a")
    problems += wf.label_break_problems(page, ".breadcrumb a, .breadcrumb span, main h1")
    contents = bc.visit(context, labels_url + "table-of-contents.html").page
    contents.evaluate("document.querySelectorAll('main details').forEach((d) => d.open = true)")
    problems += wf.label_break_problems(contents, "main .contents a")
    wrapped = page.evaluate(
        f"[...document.querySelectorAll('{wf.SIDEBAR} li > a')].filter((a) => a.getClientRects().length > 0"
        " && a.getBoundingClientRect().height > 40).length"
    )
    assert wrapped, "no label is long enough to wrap: the test proves nothing"
    assert problems == []


# Where the reader is ------------------------------------------------------------------


def test_a_page_in_a_section_shows_its_chapter_and_section_with_script_and_without(
    browser, new_context, thousand_url
):
    expected = ["Code Examples", "Example 1.0", "Example 1.300"]
    page = bc.visit(new_context(PHONE[0], height=PHONE[1]), thousand_url + DEEP).page
    assert wf.breadcrumb_problems(page, expected) == []
    context = browser.new_context(java_script_enabled=False, viewport={"width": bc.DESKTOP, "height": 900})
    try:
        plain = context.new_page()
        plain.goto(thousand_url + DEEP)
        assert wf.breadcrumb_problems(plain, expected) == []
        plain.goto(thousand_url + OTHER)
        assert wf.chapter_heading_problems(plain, thousand_url) == []
        assert wf.header_problems(plain, bc.DESKTOP, script=False) == []
    finally:
        context.close()


def test_the_phone_drawer_keeps_focus_inside_until_it_closes(new_context, thousand_url):
    page = bc.visit(new_context(PHONE[0], height=PHONE[1]), thousand_url + OTHER).page
    assert wf.drawer_trap_problems(page) == []


# Search: what it finds, how it shows it, what it costs ---------------------------------


def test_a_page_titled_by_the_query_comes_first(new_context, thousand_url):
    """The synthetic guide's topic pages among 745 code examples whose titles name topics."""
    page = bc.visit(new_context(), thousand_url + OTHER).page
    queries = synthetic_queries(1000, 25)
    firsts = 0
    for query, slug in queries.items():
        results = wf.dialog_query(page, query)
        firsts += bool(results) and results[0]["href"].endswith(f"/{slug}.html")
    record("synthetic guide: queries whose page comes first", f"{firsts} of {len(queries)}")
    assert firsts == len(queries)


def test_results_are_pages_with_their_sections_and_more_reaches_every_one(new_context, thousand_url):
    page = bc.visit(new_context(), thousand_url + OTHER).page
    assert wf.dialog_query(page, "bare metal")  # a heading of every page
    assert wf.result_structure_problems(page) == []
    assert wf.dialog_query(page, "haproxy replication")  # some pages
    assert wf.reach_every_result_problems(page) == []


def test_a_typo_offers_the_closest_titles(new_context, thousand_url):
    page = bc.visit(new_context(), thousand_url + OTHER).page
    assert wf.suggestion_problems(page, "gunicron", "Gunicorn") == []


def test_the_header_field_shows_its_keys_and_phones_get_a_close_button(new_context, thousand_url):
    assert wf.shortcut_hint_problems(bc.visit(new_context(bc.DESKTOP), thousand_url + OTHER).page) == []
    phone = bc.visit(new_context(PHONE[0], height=PHONE[1]), thousand_url + OTHER).page
    assert wf.close_button_problems(phone) == []


def test_a_first_search_costs_little_and_typing_fetches_nothing_until_the_reader_stops(
    new_context, thousand_nginx
):
    page = bc.visit(new_context(), thousand_nginx + OTHER, settle=True).page
    requests, sent, urls = wf.first_search_cost(page, "gunicorn")
    record("1,000-page guide: a first search (requests, bytes sent by nginx)", [requests, sent])
    assert requests <= 12, urls
    assert sent <= 160 * 1000
    assert all("/pagefind/" in url for url in urls)
    assert wf.typing_fetch_problems(page, "replication") == []


# The 404 page, at any path, with SITEURL and without -----------------------------------


def test_the_404_page_works_at_any_path_as_published(new_context, thousand_nginx):
    seen = bc.visit(new_context(), thousand_nginx + "a/b/c/missing")
    assert wf.not_found_problems(seen) == []


def test_the_404_page_works_at_any_path_without_siteurl(new_context, servers_site, tmp_path):
    with running_nginx(servers_site.output, tmp_path) as port:
        seen = bc.visit(new_context(), f"http://127.0.0.1:{port}/blog/2019/old-post/")
        assert wf.not_found_problems(seen) == []


# The home page, and images ------------------------------------------------------------


def test_the_home_page_introduces_the_guide(new_context, thousand_url, servers_url):
    theirs = bc.visit(new_context(), thousand_url + "index.html").page  # the theme's own
    chapters = len({chapter for chapter, *_ in plan(1000)})
    assert wf.home_problems(theirs, chapters, "c1-page-0.html") == []
    written = bc.visit(new_context(), servers_url + "index.html").page  # content/pages/index.markdown
    assert wf.home_problems(written, 1, "servers.html") == []
    assert "Where to start" in written.locator("main").inner_text()


def test_images_carry_their_sizes_and_those_below_the_first_screen_load_lazily(new_context, tmp_path):
    pages = tmp_path / "content" / "pages"
    pages.mkdir(parents=True)
    (tmp_path / "content" / "img").mkdir()
    (tmp_path / "content" / "img" / "a.png").write_bytes(tiny_png(300, 120))
    (tmp_path / "content" / "img" / "b.png").write_bytes(tiny_png(200, 200))
    text = "A sentence that fills the screen with words about servers. " * 80
    wide = '<img src="/img/a.png" width="100%" alt="Wide">'
    body = f"![First](/img/a.png)\n\n{text}\n\n![Far down](/img/b.png)\n\n{wide}\n"
    (pages / "p.md").write_text(f"title: Pictures\nslug: pictures\nsortorder: 0100\ntoc: true\n\n{body}")
    result = run_build(tmp_path / "content", tmp_path / "output")
    assert result.returncode == 0 and not result.warning_lines, result.stderr
    from tools import serve

    with serve(tmp_path / "output") as url:
        page = bc.visit(new_context(PHONE[0], height=PHONE[1]), url + "pictures.html").page
        assert wf.image_size_problems(page) == []
        assert wf.layout_shift(page) == 0


def test_the_published_search_index_lists_every_page_by_title(thousand_guide):
    manifest = json.loads((thousand_guide.output / "pagefind" / "shards.json").read_text())
    assert len(manifest["pages"]) == 1000
    assert all(names and names[0] for names in manifest["pages"].values())
