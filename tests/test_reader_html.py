"""The written HTML of the real site: valid to the Nu HTML checker, sharing and safety metadata,
Pygments CSS only where there is code. No browser needed.
"""

from __future__ import annotations

import runpy

import pytest
from html_checks import head_problems, pygments_problems, vnu_errors
from reader import PAGES, built_pages, record, site_pages
from tools import REPO, vnu_command


def public_url() -> str:
    return runpy.run_path(str(REPO / "pelicanconf.py"))["GUIDE_PUBLIC_URL"]


@pytest.mark.parametrize("name", PAGES)
def test_head_has_sharing_and_safety_metadata(servers_site, name):
    assert head_problems(servers_site.html(name), name, public_url()) == []


@pytest.mark.parametrize("name", PAGES)
def test_pygments_css_only_where_there_is_code(servers_site, name):
    assert pygments_problems(servers_site.html(name)) == []


def test_the_pages_under_test_are_the_built_sites_pages(servers_site):
    """The list the reader tests run on, worked out from the settings and the content, is
    exactly the site the build wrote: a new template or page cannot go untested."""
    assert built_pages(servers_site.output) == PAGES


def test_the_page_list_follows_the_settings_and_leaves_out_redirects(guide):
    """Search turned off takes search.html out of both lists; a renamed page's redirect is in
    neither; every guide page is in both."""
    guide.page("a.md", title="Alpha", slug="alpha", sortorder="0101", aliases="old-alpha")
    guide.page("b.md", title="Beta", slug="beta", sortorder="0102")
    conffile = guide.settings(GUIDE_SEARCH=False)
    result = guide.build(conffile=conffile)
    assert result.returncode == 0, result.stderr
    assert (result.output / "old-alpha.html").exists()
    expected = ["404.html", "alpha.html", "beta.html", "index.html", "table-of-contents.html"]
    assert site_pages(conffile) == built_pages(result.output) == expected
    # A page the list does not know (a template added to the site only) is told apart.
    (result.output / "extra.html").write_text("<p>Not from the settings</p>")
    assert site_pages(conffile) != built_pages(result.output)


def test_nu_html_checker_finds_no_error(servers_site, published_docs):
    """Every page of the Servers site and of the published manual, in one run of the checker."""
    files = sorted(servers_site.output.glob("**/*.html")) + sorted(published_docs.output.glob("**/*.html"))
    errors = vnu_errors(vnu_command(), files)
    record("vnu errors", sum(map(len, errors.values())))
    assert errors == {}


def test_canonical_address_must_be_absolute(guide):
    guide.page("a.md", title="Alpha", slug="alpha", sortorder="0101")
    result = guide.build(settings={"GUIDE_PUBLIC_URL": '"guide.example.org"'})
    assert result.returncode == 1
    assert any(
        "GUIDE_PUBLIC_URL 'guide.example.org' must be an absolute" in line for line in result.error_lines
    ), result.stderr
