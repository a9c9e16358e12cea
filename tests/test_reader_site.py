"""Reader experience of the real site (content/), proven in Chromium over HTTP.

tests/test_reader_breakage.py runs the same checks on sites broken on purpose.
"""

from __future__ import annotations

import browser_checks as bc
import pytest
from reader import ARTIFACTS, PAGES, record

pytestmark = pytest.mark.browser

WIDTHS = [bc.PHONE, bc.DESKTOP]
SCHEMES = ["light", "dark"]


@pytest.mark.parametrize("name", PAGES)
def test_one_request_and_one_small_script_within_first_round_trip(new_context, servers_url, name):
    seen = bc.visit(new_context(), servers_url + name, settle=True)
    sizes = bc.compressed_weight(seen)
    record(f"{name} requests", len(seen.requests))
    record(f"{name} compressed bytes", sizes[servers_url + name])
    record("guide.js compressed bytes", bc.compressed_weight(seen, headers=False)[servers_url + bc.SCRIPT])
    assert bc.request_problems(seen) == []
    assert bc.weight_problems(seen) == []
    assert list(sizes) == [servers_url + name, servers_url + bc.SCRIPT]  # the measure saw both


@pytest.mark.parametrize("name", PAGES)
def test_csp_allows_only_what_the_page_needs(new_context, servers_url, name):
    """The theme's script and its inline init, from the site itself; nothing else."""
    seen = bc.visit(new_context(), servers_url + name, settle=True)
    assert bc.csp_problems(seen) == []
    assert bc.mixed_content_problems(seen) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_violation(new_context, servers_url, name, width, scheme):
    seen = bc.visit(new_context(width, scheme), servers_url + name)
    if name == "servers.html":
        ARTIFACTS.mkdir(exist_ok=True)
        seen.page.screenshot(path=ARTIFACTS / f"servers-{width}-{scheme}.png")
    problems = bc.axe_problems(seen.page)
    # On a phone the sidebar and "On this page" start folded, and axe skips what is hidden:
    # open them, check again.
    if width < bc.SIDEBAR_BESIDE:
        bc.open_disclosures(seen.page)
        if name == "servers.html":
            seen.page.screenshot(path=ARTIFACTS / f"servers-{width}-{scheme}-menu.png")
        problems += bc.axe_problems(seen.page)
    record(f"axe violations {name} {width} {scheme}", len(problems))
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_keyboard_skip_link_focus_and_reach(new_context, servers_url, name, width):
    context = new_context(width)
    assert bc.skip_link_problems(bc.visit(context, servers_url + name).page) == []
    page = bc.visit(context, servers_url + name).page
    stops = bc.tab_through(page)
    assert stops
    assert bc.focus_problems(stops) == []
    assert bc.keyboard_reach_problems(page, stops) == []


@pytest.mark.parametrize("name", PAGES)
def test_no_sideways_scrolling_at_320px(new_context, servers_url, name):
    page = bc.visit(new_context(bc.NARROW), servers_url + name).page
    assert bc.horizontal_scroll_problems(page) == []
    bc.open_disclosures(page)
    assert bc.horizontal_scroll_problems(page) == []


@pytest.mark.parametrize("width", [bc.NARROW, bc.PHONE, 1024, bc.DESKTOP])
def test_sidebar_folds_on_phones_and_sits_beside_text_on_wide_screens(new_context, servers_url, width):
    page = bc.visit(new_context(width), servers_url + "servers.html").page
    assert bc.sidebar_problems(page, width) == []


@pytest.mark.parametrize("width", [bc.PHONE, 1024, bc.DESKTOP, 1600])
def test_on_this_page_folds_above_the_text_and_stays_beside_it_on_wide_screens(
    new_context, servers_url, width
):
    page = bc.visit(new_context(width), servers_url + "servers.html").page
    assert bc.on_this_page_problems(page, width) == []


def test_body_lines_stay_under_75_characters(new_context, servers_url):
    page = bc.visit(new_context(bc.DESKTOP), servers_url + "servers.html").page
    longest, _ = bc.longest_line(page)
    record("servers.html longest line at 1280px", longest)
    assert longest > 40  # the measure read real lines of text
    assert bc.line_length_problems(page) == []


def test_dark_mode_follows_the_reader(new_context, servers_url):
    page = bc.visit(new_context(), servers_url + "servers.html").page
    assert bc.dark_mode_problems(page) == []


def test_print_hides_navigation_and_shows_link_addresses(new_context, servers_url):
    page = bc.visit(new_context(), servers_url + "servers.html").page
    assert bc.print_problems(page) == []
