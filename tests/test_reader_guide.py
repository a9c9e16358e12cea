"""A reader of the whole guide, in Chromium: the 1,000-page synthetic guide of the real
guide's shapes (conftest.thousand_guide: chapter 50 in sections, the first 325 pages long),
published for another address and served on 127.0.0.1.

The sidebar shows where the reader is, folds what is elsewhere and filters a long group; it
is a drawer on phones; search opens from any page; code copies as typed; the colour scheme
holds across pages with no flash; "On this page" follows the scroll; the contents page draws
no marker and flows into columns. With script off the sidebar, the contents page and the
search form still work. No page logs a CSP violation, and axe finds nothing, light and dark.
tests/test_reader_breakage.py breaks each of these and shows the check names it.
"""

from __future__ import annotations

import gzip
import json
import re

import browser_checks as bc
import pytest
import wayfinding_checks as wf
from conftest import SYNTHETIC_PAGES, UNIQUE_WORD
from perf.synthetic import EXAMPLE
from reader import record

pytestmark = pytest.mark.browser

DEEP = "s1-example-300.html"  # page 300 of the 325-page section
SECTION_FIRST = "Example 1.0"  # that section's first page: the group's own line
OTHER = "c1-page-3.html"  # a page of a chapter without sections
CONTENTS = "table-of-contents.html"
PHONE = (390, 844)


def example_as_typed() -> str:
    """The code of every chapter-50 page as a reader would type it: no `~~` markers."""
    code = EXAMPLE.split("```python\n", 1)[1].split("```", 1)[0]
    return re.sub(r"^~~", "", code, flags=re.M)


# Where the reader is -------------------------------------------------------------------


def test_the_current_entry_is_in_view_in_the_sidebar_without_moving_the_page(new_context, thousand_url):
    page = bc.visit(new_context(bc.DESKTOP, height=900), thousand_url + DEEP).page
    assert bc.current_entry_problems(page) == []
    assert page.evaluate("document.getElementById('sidebar').scrollTop") > 5000  # it had far to go


def test_the_current_chapter_and_section_are_open_and_the_long_group_filters(new_context, thousand_url):
    page = bc.visit(new_context(), thousand_url + DEEP).page
    assert bc.fold_problems(page) == []
    opened = page.evaluate(
        "[...document.querySelectorAll('#sidebar details[open] > summary')].map((s) => s.ariaLabel)"
    )
    assert opened == ["Code Examples", SECTION_FIRST]
    assert bc.filter_problems(page, "1.30", "Example 1.30") == []


@pytest.mark.parametrize("width", [bc.NARROW, 360, 1024, bc.DESKTOP])
def test_the_sidebar_is_a_drawer_on_phones_and_beside_the_text_from_1024px(new_context, thousand_url, width):
    page = bc.visit(new_context(width), thousand_url + DEEP).page
    assert bc.sidebar_problems(page, width) == []
    assert bc.header_row_problems(page) == []
    assert bc.horizontal_scroll_problems(page) == []


def test_on_a_phone_the_drawer_works_by_keyboard_and_the_title_is_near_the_top(new_context, thousand_url):
    page = bc.visit(new_context(PHONE[0], height=PHONE[1]), thousand_url + DEEP).page
    top = bc.heading_top(page)
    record(f"{DEEP} <h1> top at 390x844 (px)", round(top))
    assert top <= 200
    assert bc.drawer_keyboard_problems(page) == []
    page.locator(".on-this-page > summary").click()
    rows = page.evaluate(
        "[...document.querySelectorAll('.on-this-page li a')].map((a) => a.getBoundingClientRect().height)"
    )
    assert rows and min(rows) >= 24  # WCAG 2.2 target size


# Search from any page ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["/", "Control+k"])
def test_a_key_opens_search_and_a_word_of_one_page_finds_it(new_context, thousand_url, thousand_guide, key):
    seen = bc.visit(new_context(), thousand_url + OTHER)
    results, problems = bc.dialog_search(seen, UNIQUE_WORD, key)
    assert problems == []
    assert bc.first_result_problems(results, UNIQUE_WORD, thousand_guide.path) == []
    assert bc.csp_problems(seen) == []  # with Pagefind's script, WebAssembly and worker running
    assert bc.mixed_content_problems(seen) == []


def test_the_published_guide_is_one_search_index_of_every_listed_page(thousand_guide):
    """publishconf.py: readers load one index (no shards' extra requests, no ranking by a
    shard's own word counts); shards are for the author's rebuilds."""
    output = thousand_guide.output
    assert [
        shard["path"] for shard in json.loads((output / "pagefind" / "shards.json").read_text())["shards"]
    ] == ["0/"]
    entry = json.loads((output / "pagefind" / "0" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == len(list(output.glob("*.md"))) == SYNTHETIC_PAGES


# Code, colour scheme, "On this page" ---------------------------------------------------


def test_the_copy_button_copies_the_code_without_prompts_or_markers(browser, thousand_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = bc.visit(context, thousand_url + DEEP).page
        assert bc.copy_problems(page, "pip install flask") == []  # the console session: no prompt
        assert bc.copy_problems(page, example_as_typed(), block=1) == []  # no ~~ markers
    finally:
        context.close()


def test_the_colour_scheme_holds_across_pages_with_no_flash(new_context, thousand_url):
    assert bc.scheme_problems(new_context(), thousand_url + DEEP, thousand_url + OTHER) == []


def test_on_this_page_follows_the_scroll_and_heading_links_show_on_hover_and_focus(new_context, thousand_url):
    page = bc.visit(new_context(bc.DESKTOP), thousand_url + DEEP).page
    assert bc.on_this_page_follow_problems(page) == []
    assert bc.heading_link_problems(page) == []


def test_the_contents_page_draws_no_marker_and_flows_into_columns(new_context, thousand_url):
    page = bc.visit(new_context(bc.DESKTOP), thousand_url + CONTENTS).page
    assert bc.contents_marker_problems(page) == []
    assert bc.contents_column_problems(page) == []
    groups = page.evaluate("[...document.querySelectorAll('main .contents details')].map((d) => d.open)")
    assert groups and not any(groups)  # sections closed, their first page in the summary


# Without script ------------------------------------------------------------------------


def test_without_script_the_sidebar_contents_and_search_box_work(browser, thousand_url):
    for width in (bc.PHONE, bc.DESKTOP):
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto(thousand_url + DEEP)
            assert bc.sidebar_problems(page, width) == []
            if width >= bc.SIDEBAR_BESIDE:
                assert bc.fold_problems(page) == []
                assert page.locator('#sidebar [aria-current="page"]').is_visible()
            page.goto(thousand_url + CONTENTS)
            group = page.locator("main .contents details").first
            group.locator("summary").click()
            assert group.locator("ol a").first.is_visible()
            # Each page once, and the heading of chapter 50 (no page of its own) besides.
            assert page.locator("main .contents a:not(.nav-heading)").count() == SYNTHETIC_PAGES
            page.goto(thousand_url + OTHER)
            assert wf.no_script_search_problems(page) == []  # the box keeps the query, and says so
        finally:
            context.close()


# Weight, safety, accessibility -----------------------------------------------------------


def test_every_page_stays_within_14_kib_compressed_and_the_script_within_5(
    thousand_guide, new_context, thousand_url
):
    sizes = {
        path.name: len(gzip.compress(path.read_bytes(), compresslevel=bc.GZIP_LEVEL, mtime=0))
        for path in thousand_guide.output.glob("*.html")
        if path.name != "print.html"  # the print edition, the whole guide: a download, not a page
    }
    largest = max(sizes, key=sizes.get)
    script = len(
        gzip.compress((thousand_guide.output / bc.SCRIPT).read_bytes(), compresslevel=bc.GZIP_LEVEL, mtime=0)
    )
    record("largest page of the 1,000-page guide (compressed bytes)", [largest, sizes[largest]])
    record(f"{DEEP} (compressed bytes)", sizes[DEEP])
    record("guide.js (compressed bytes)", script)
    seen = bc.visit(new_context(), thousand_url + largest, settle=True)
    assert bc.request_problems(seen) == []
    assert bc.weight_problems(seen) == []
    assert script < bc.SCRIPT_LIMIT


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", [DEEP, CONTENTS, "search.html?q=server"])
def test_no_csp_violation_and_no_axe_violation(new_context, thousand_url, name, scheme):
    seen = bc.visit(new_context(bc.DESKTOP, scheme), thousand_url + name)
    if name.startswith("search.html"):
        assert bc.search_results(seen.page)
    problems = bc.axe_problems(seen.page)
    if name == DEEP:  # and with the search dialog open on its results
        seen.page.keyboard.press("/")
        seen.page.keyboard.type("server")
        assert bc.search_results(seen.page, bc.DIALOG)
        problems += bc.axe_problems(seen.page)
    record(f"axe violations {name} {scheme} (1,000-page guide)", len(problems))
    assert problems == []
    assert bc.csp_problems(seen) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation_on_a_phone_with_the_drawer_open(new_context, thousand_url, scheme):
    page = bc.visit(new_context(PHONE[0], scheme, PHONE[1]), thousand_url + DEEP).page
    page.locator(".menu-button").click()
    assert bc.axe_problems(page) == []
