"""Search as a reader uses it, in Chromium: the header's form (no script) sends the words to
search.html, where Pagefind's UI lists the pages, each with its title and an excerpt.

On the real site, on a guide of 1,000 pages that share their words (one page holds a word of
its own), and on a site published under a sub-path. The search page's policy allows Pagefind
and nothing more; the breakage tests at the end prove the checks notice when it does not.
"""

from __future__ import annotations

import json
import shutil
import time
from types import SimpleNamespace
from typing import Callable
from urllib.parse import urlsplit

import pytest

import browser_checks as bc
from conftest import PUBLISHCONF, SEED_CONTENT, run_build
from perf.synthetic import write_guide
from reader import metadata, record
from tools import REPO, free_port, serve



pytestmark = pytest.mark.browser

QUERY = "bare metal"
UNIQUE_WORD = "quillfeather"  # in one page of the 1,000, and nowhere else
GUIDE_PAGES = 1000


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


def test_the_header_form_sends_the_words_to_the_search_page(new_context, servers_url):
    page = bc.visit(new_context(), servers_url + "servers.html").page
    assert page.locator("script").count() == 0  # the form works without script
    page.get_by_role("search").get_by_label("Search").fill(QUERY)
    page.get_by_role("search").get_by_role("button").click()
    page.wait_for_url("**/search.html?q=bare+metal")
    assert bc.first_result_problems(bc.search_results(page), QUERY, "/servers.html") == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_page_keeps_its_policy_and_passes_axe(new_context, servers_url, scheme):
    seen, results, _ = timed_search(new_context(bc.DESKTOP, scheme), servers_url, QUERY)
    assert results, "no results to check"
    assert bc.csp_problems(seen, search=True) == []
    assert bc.mixed_content_problems(seen) == []
    problems = bc.axe_problems(seen.page)
    record(f"axe violations search results {scheme}", len(problems))
    assert problems == []


def test_results_page_does_not_scroll_sideways_at_320px(new_context, servers_url):
    seen, results, _ = timed_search(new_context(bc.NARROW), servers_url, QUERY)
    assert results
    assert bc.horizontal_scroll_problems(seen.page) == []


# 1,000 pages ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def thousand_pages(tmp_path_factory):
    """The synthetic guide, one page given a word of its own, built once and served."""
    root = tmp_path_factory.mktemp("search-1000")
    content = root / "content"
    write_guide(content, GUIDE_PAGES)
    pages = sorted(path for path in (content / "pages").rglob("*") if path.is_file())
    assert len(pages) == GUIDE_PAGES
    target = pages[len(pages) // 2]
    with target.open("a", encoding="utf-8") as source:
        source.write(f"\n\nThe {UNIQUE_WORD} rack holds this one server.\n")
    started = time.perf_counter()
    result = run_build(content, root / "output")
    assert result.returncode == 0, result.stderr
    index = [path for path in (result.output / "pagefind").rglob("*") if path.is_file()]
    record(f"{GUIDE_PAGES}-page build with search index (s)", round(time.perf_counter() - started, 1))
    record(f"{GUIDE_PAGES}-page search index (bytes, all of pagefind/)", sum(path.stat().st_size for path in index))
    record(
        f"{GUIDE_PAGES}-page search index (bytes, index and fragments only)",
        sum(path.stat().st_size for path in index if path.parent.name in ("index", "fragment")),
    )
    with serve(result.output) as url:
        yield SimpleNamespace(url=url, path=f"/{metadata(target)['slug']}.html", title=metadata(target)["title"])


@pytest.mark.slow
def test_a_word_of_one_page_finds_that_page_first_among_1000(new_context, thousand_pages):
    seen, results, seconds = timed_search(new_context(), thousand_pages.url, UNIQUE_WORD)
    record(f"search a unique word among {GUIDE_PAGES} pages (s)", round(seconds, 2))
    assert bc.first_result_problems(results, UNIQUE_WORD, thousand_pages.path) == []
    assert [result["title"] for result in results] == [thousand_pages.title]
    assert bc.csp_problems(seen, search=True) == []


@pytest.mark.slow
def test_shared_words_list_many_of_the_1000_pages(new_context, thousand_pages):
    """Every page holds the Servers text: the UI says how many match and lists a first few."""
    seen, results, seconds = timed_search(new_context(), thousand_pages.url, QUERY)
    record(f"search 'bare metal' among {GUIDE_PAGES} pages (s)", round(seconds, 2))
    assert results and all(result["title"] and result["excerpt"] for result in results)
    message = seen.page.locator(".pagefind-ui__message").inner_text()  # "1,000 results for ..."
    assert message == f"{GUIDE_PAGES:,} results for {QUERY}"


# A sub-path -----------------------------------------------------------------------------


def test_search_works_under_a_sub_path(tmp_path, new_context):
    """Published for http://127.0.0.1:PORT/sub (publishconf.py, SITEURL from the
    environment) and served there: the bundle, the results and their links stay under /sub/."""
    port = free_port()
    site = f"http://127.0.0.1:{port}/sub"
    result = run_build(SEED_CONTENT, tmp_path / "www" / "sub", conffile=PUBLISHCONF, env={"SITEURL": site})
    assert result.returncode == 0, result.stderr
    with serve(tmp_path / "www", port):
        seen, results, _ = timed_search(new_context(), site + "/", QUERY)
        assert bc.first_result_problems(results, QUERY, "/sub/servers.html") == []
        assert bc.csp_problems(seen, search=True) == []
        outside = [url for url in seen.requests if not urlsplit(url).path.startswith("/sub/")]
        assert outside == []
        seen.page.locator(".pagefind-ui__result-link").first.click()
        seen.page.wait_for_url(site + "/servers.html")
        assert seen.page.locator("h1").inner_text() == "Servers"


# Each check catches its target missed ---------------------------------------------------

SERVERS_TEXT = "The term bare metal refers to the hardware itself, racked and wired by hand.\n"


def search_guide(guide, tmp_path, edits: dict[str, Callable[[str], str]]):
    """Two pages, one about bare metal, built with a copy of the theme edited by `edits`
    (file under theme/ -> function of its text)."""
    guide.page("wsgi.md", "WSGI connects servers and Python code.\n", title="WSGI", slug="wsgi", sortorder="0201")
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


SCRIPT_TAG = '<script src="{{ SITEURL }}/theme/search.js" defer></script>'


def inline_search_js(text: str) -> str:
    script = (REPO / "theme" / "static" / "search.js").read_text(encoding="utf-8")
    return replace(SCRIPT_TAG, "<script>\n" + script + "\n</script>")(text)


def policy(filters: str) -> dict:
    """The theme's CSP passed through Jinja `replace` filters: the policy changed, not the page."""
    old = 'content="{{ stylesheet.csp }}"'
    return {"templates/partials/head-meta.html": replace(old, f'content="{{{{ stylesheet.csp{filters} }}}}"')}


CSP_BREAKS = {
    "search.js inlined into the page": ({"templates/search.html": inline_search_js}, "CSP violation: script-src"),
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
        problems = bc.csp_problems(seen, search=True)
    assert any(expect in line for line in problems), problems


def test_the_results_check_names_a_search_page_that_ignores_the_query(guide, tmp_path, new_context):
    site = search_guide(guide, tmp_path, {"static/search.js": replace("search.triggerSearch(query.trim());", "")})
    with serve(site.output) as url:
        seen = bc.visit(new_context(), search_url(url, QUERY))
        problems = bc.first_result_problems(bc.search_results(seen.page, timeout=2000), QUERY, "/servers.html")
    assert problems == [f'no search for "{QUERY}" finished']


def test_the_results_check_names_the_wrong_page_first(guide, tmp_path, new_context):
    """A search whose first result is another page than expected: the check names the one it got."""
    site = search_guide(guide, tmp_path, {})
    with serve(site.output) as url:
        seen = bc.visit(new_context(), search_url(url, "WSGI"))
        problems = bc.first_result_problems(bc.search_results(seen.page), "WSGI", "/servers.html")
    assert problems == [f'the first result for "WSGI" is {url}wsgi.html ("WSGI"), expected /servers.html'], problems
