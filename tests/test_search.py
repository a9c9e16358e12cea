"""Search as a reader uses it, in Chromium: from any page, `/`, Ctrl+K or the header's field
open a dialog that lists the pages as you type; search.html lists them for the words in its
address (where the header's form sends them without script), in its one search box.

On the real site, on a guide of 1,000 pages that share their words (one page holds a word of
its own), on a site published for another address and served on 127.0.0.1, under a
sub-path, and from file://. The breakage tests at the end prove the checks notice when the
policy or the page goes wrong.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import browser_checks as bc
import pytest
import wayfinding_checks as wf
from conftest import PUBLISHCONF, PUBLISHED_SITEURL, SEED_CONTENT, SYNTHETIC_PAGES, UNIQUE_WORD, run_build
from reader import record
from tools import REPO, free_port, serve

pytestmark = pytest.mark.browser

QUERY = "bare metal"


def search_url(base: str, query: str) -> str:
    return f"{base}search.html?q={query.replace(' ', '+')}"


def timed_search(context, base: str, query: str) -> tuple[bc.Visit, list | None, float]:
    """The search page opened with `query`: the visit, its results, and the seconds from
    asking for the page to the results shown."""
    started = time.perf_counter()
    seen = bc.visit(context, search_url(base, query))
    results = bc.search_results(seen.page)
    return seen, results, time.perf_counter() - started


# The real site --------------------------------------------------------------------------


def test_bare_metal_lists_the_servers_page_first(new_context, servers_url):
    seen, results, seconds = timed_search(new_context(), servers_url, QUERY)
    record("search 'bare metal' on the Servers site (s)", round(seconds, 2))
    assert bc.first_result_problems(results, QUERY, "/servers.html") == []
    assert results[0]["title"] == "Servers"
    assert "Bare metal servers" in results[0]["sections"]  # the heading of a part that matches
    assert results[0]["href"].endswith("/servers.html")  # the page's top
    assert seen.page.locator("#search-page-q").input_value() == QUERY  # its one box, filled
    assert seen.page.locator('input[type="search"]').count() == 1


@pytest.mark.parametrize("width", [bc.PHONE, bc.DESKTOP])
@pytest.mark.parametrize("name", ["servers.html", "search.html"])
def test_without_script_search_says_so_and_keeps_the_query(browser, servers_url, width, name):
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(servers_url + name)
        assert wf.no_script_search_problems(page) == []
    finally:
        context.close()


def test_with_script_the_header_field_opens_the_dialog_as_the_reader_types(new_context, servers_url):
    seen = bc.visit(new_context(), servers_url + "servers.html")
    seen.page.locator("#search-q").click()
    assert seen.page.evaluate(f"document.querySelector('{bc.DIALOG}').open")
    seen.page.keyboard.type(QUERY)
    assert bc.first_result_problems(bc.search_results(seen.page, bc.DIALOG), QUERY, "/servers.html") == []
    seen.page.keyboard.press("Enter")  # follows the first result, to the page's top
    seen.page.wait_for_url("**/servers.html")
    assert bc.csp_problems(seen) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_page_keeps_its_policy_and_passes_axe(new_context, servers_url, scheme):
    seen, results, _ = timed_search(new_context(bc.DESKTOP, scheme), servers_url, QUERY)
    assert results, "no results to check"
    assert bc.csp_problems(seen) == []
    assert bc.mixed_content_problems(seen) == []
    problems = bc.axe_problems(seen.page)
    record(f"axe violations search results {scheme}", len(problems))
    assert problems == []


def test_results_page_does_not_scroll_sideways_at_320px(new_context, servers_url):
    seen, results, _ = timed_search(new_context(bc.NARROW), servers_url, QUERY)
    assert results
    assert bc.horizontal_scroll_problems(seen.page) == []


def test_from_file_the_dialog_says_search_needs_the_site_served(new_context, servers_site):
    page = new_context().new_page()
    page.goto((servers_site.output / "servers.html").as_uri())
    page.keyboard.press("/")
    page.keyboard.type(QUERY)
    page.wait_for_function(
        f"document.querySelector('{bc.DIALOG} .search-status').textContent.includes('make serve')",
        timeout=5000,
    )
    assert bc.search_status(page, bc.DIALOG) == "Search needs the site served: run make serve"


# Published for another address, served here ---------------------------------------------


def test_a_site_published_for_another_address_searches_where_it_is_served(published_site, new_context):
    """make publish for https://guide.example.net/servers (absolute SITEURL), the folder
    served on 127.0.0.1: the script and the index load from where the page is, by relative
    URLs, and both the dialog and search.html find the page; canonical links stay absolute."""
    with serve(published_site.output) as url:
        seen = bc.visit(new_context(), url + "servers.html")
        assert (
            seen.page.locator('link[rel="canonical"]').get_attribute("href")
            == PUBLISHED_SITEURL + "/servers.html"
        )
        results, problems = bc.dialog_search(seen, QUERY)
        assert problems == []
        assert bc.first_result_problems(results, QUERY, "/servers.html") == []
        assert bc.csp_problems(seen) == [] and bc.mixed_content_problems(seen) == []
        seen, results, _ = timed_search(new_context(), url, QUERY)
        assert bc.first_result_problems(results, QUERY, "/servers.html") == []
        assert bc.csp_problems(seen) == [] and bc.mixed_content_problems(seen) == []


# 1,000 pages ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_word_of_one_page_finds_that_page_first_among_1000(new_context, thousand_guide, thousand_url):
    record(f"{SYNTHETIC_PAGES}-page publish with search index (s)", round(thousand_guide.seconds, 1))
    index = [
        path
        for path in (thousand_guide.output / "pagefind").rglob("*")
        if path.is_file() and path.suffix not in (".gz", ".br")
    ]
    record(
        f"{SYNTHETIC_PAGES}-page search index (bytes, all of pagefind/)",
        sum(path.stat().st_size for path in index),
    )
    seen, results, seconds = timed_search(new_context(), thousand_url, UNIQUE_WORD)
    record(f"search a unique word among {SYNTHETIC_PAGES} pages (s)", round(seconds, 2))
    assert bc.first_result_problems(results, UNIQUE_WORD, thousand_guide.path) == []
    assert [result["title"] for result in results] == [thousand_guide.title]
    assert bc.csp_problems(seen) == []


@pytest.mark.slow
def test_shared_words_list_many_of_the_1000_pages(new_context, thousand_url):
    """Every page holds the Servers text: the page says how many match and lists a first five,
    each with its excerpt (one fragment file each), and a control for more."""
    seen, results, seconds = timed_search(new_context(), thousand_url, QUERY)
    record(f"search 'bare metal' among {SYNTHETIC_PAGES} pages (s)", round(seconds, 2))
    assert len(results) == 5 and all(result["title"] and result["excerpt"] for result in results)
    assert seen.page.locator(".search-more").inner_text() == f"More results ({SYNTHETIC_PAGES - 5})"
    assert bc.search_status(seen.page) == f"{SYNTHETIC_PAGES} results for {QUERY}"


# A sub-path -----------------------------------------------------------------------------


def test_search_works_under_a_sub_path(tmp_path, new_context):
    """Published for http://127.0.0.1:PORT/sub (publishconf.py, SITEURL from the
    environment) and served there: the script, the index, the results and their links stay
    under /sub/."""
    port = free_port()
    site = f"http://127.0.0.1:{port}/sub"
    result = run_build(SEED_CONTENT, tmp_path / "www" / "sub", conffile=PUBLISHCONF, env={"SITEURL": site})
    assert result.returncode == 0, result.stderr
    with serve(tmp_path / "www", port):
        seen, results, _ = timed_search(new_context(), site + "/", QUERY)
        assert bc.first_result_problems(results, QUERY, "/sub/servers.html") == []
        assert bc.csp_problems(seen) == []
        outside = [url for url in seen.requests if not urlsplit(url).path.startswith("/sub/")]
        assert outside == []
        seen.page.locator(".search-results a").first.click()
        seen.page.wait_for_url(site + "/servers.html")
        assert seen.page.locator("h1").inner_text() == "Servers"


# Each check catches its target missed ---------------------------------------------------

SERVERS_TEXT = "The term bare metal refers to the hardware itself, racked and wired by hand.\n"


def search_guide(guide, tmp_path, edits: dict[str, Callable[[str], str]]):
    """Two pages, one about bare metal, built with a copy of the theme edited by `edits`
    (file under theme/ -> function of its text)."""
    guide.page(
        "wsgi.md", "WSGI connects servers and Python code.\n", title="WSGI", slug="wsgi", sortorder="0201"
    )
    guide.page("servers.md", SERVERS_TEXT, title="Servers", slug="servers", sortorder="0202")
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    for name, edit in edits.items():
        path = theme / name
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = guide.build(settings={"THEME": json.dumps(str(theme))})
    assert result.returncode == 0, result.stderr
    return result


def replace(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text, f"{old!r} is no longer in the theme: update this test"
        return text.replace(old, new)

    return edit


SCRIPT_TAG = '<script src="{{ GUIDE_ROOT }}/theme/guide.js" defer></script>'


def inline_guide_js(text: str) -> str:
    script = (REPO / "theme" / "js" / "guide.js").read_text(encoding="utf-8")
    return replace(SCRIPT_TAG, "<script>\n" + script + "\n</script>")(text)


def policy(filters: str) -> dict:
    """The theme's CSP passed through Jinja `replace` filters: the policy changed, not the page."""
    old = 'content="{{ stylesheet.csp }}"'
    return {"templates/partials/head-meta.html": replace(old, f'content="{{{{ stylesheet.csp{filters} }}}}"')}


CSP_BREAKS = {
    "guide.js inlined into the page": (
        {"templates/partials/head-meta.html": inline_guide_js},
        "CSP violation: script-src",
    ),
    # Pagefind runs its WebAssembly in a worker (whose own policy is the server's, none
    # here) and in the page only when no worker may start: so both are taken away.
    "a policy without 'wasm-unsafe-eval' or a worker": (
        policy("""|replace(" 'wasm-unsafe-eval'", "")|replace("worker-src 'self'", "worker-src 'none'")"""),
        "CSP violation: script-src blocked wasm-eval",
    ),
    "inline script allowed": (
        policy("""|replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")"""),
        "script-src is",
    ),
}


@pytest.mark.parametrize("edits, expect", CSP_BREAKS.values(), ids=CSP_BREAKS.keys())
def test_the_csp_check_names_a_broken_search_page(guide, tmp_path, new_context, edits, expect):
    site = search_guide(guide, tmp_path, edits)
    with serve(site.output) as url:
        seen = bc.visit(new_context(), search_url(url, QUERY))
        bc.search_results(seen.page, timeout=2000)  # whatever runs has run
        problems = bc.csp_problems(seen)
    assert any(expect in line for line in problems), problems


def test_the_results_check_names_a_search_page_that_ignores_the_query(guide, tmp_path, new_context):
    site = search_guide(
        guide,
        tmp_path,
        {"js/guide.js": replace('field.value = new URLSearchParams(location.search).get("q") || "";', "")},
    )
    with serve(site.output) as url:
        seen = bc.visit(new_context(), search_url(url, QUERY))
        problems = bc.first_result_problems(
            bc.search_results(seen.page, timeout=2000), QUERY, "/servers.html"
        )
    assert problems == [f'no search for "{QUERY}" finished']


def test_the_results_check_names_the_wrong_page_first(guide, tmp_path, new_context):
    """A search whose first result is another page than expected: the check names the one it got."""
    site = search_guide(guide, tmp_path, {})
    with serve(site.output) as url:
        seen = bc.visit(new_context(), search_url(url, "WSGI"))
        problems = bc.first_result_problems(bc.search_results(seen.page), "WSGI", "/servers.html")
    assert problems == [f'the first result for "WSGI" is {url}wsgi.html ("WSGI"), expected /servers.html'], (
        problems
    )


# An index in shards ----------------------------------------------------------------------


def test_the_dialog_and_the_search_page_search_every_shard(guide, tmp_path, new_context):
    """Six pages, a shard for each in the plan: a word of each page's own is found first, from
    the dialog and from search.html, whichever shard holds it."""
    words = ["quokka", "narwhal", "axolotl", "pangolin", "capybara", "wombat"]
    for number, word in enumerate(words):
        guide.page(
            f"p{number}.md",
            f"The {word} page is about {word} servers.\n",
            title=f"Page {number}",
            slug=f"page-{number}",
            sortorder=f"01{number:02d}",
            toc="true" if not number else "false",
        )
    result = guide.build(conffile=guide.settings(GUIDE_SEARCH_SHARD_PAGES=1))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((guide.output / "pagefind" / "shards.json").read_text())
    counts = [
        json.loads((guide.output / "pagefind" / shard["path"] / "pagefind-entry.json").read_text())[
            "languages"
        ]["en"]["page_count"]
        for shard in manifest["shards"]
    ]
    assert len(counts) >= 3 and all(counts) and sum(counts) == len(words)  # no shard empty
    with serve(guide.output) as url:
        seen = bc.visit(new_context(), url + "page-0.html")
        for number, word in enumerate(words):  # one page, one index loaded: every shard merged
            found, _ = bc.dialog_search(seen, word)
            assert bc.first_result_problems(found, word, f"/page-{number}.html") == [], word
        for number, word in list(enumerate(words))[1::2]:
            _, results, _ = timed_search(new_context(), url, word)
            assert bc.first_result_problems(results, word, f"/page-{number}.html") == [], word
