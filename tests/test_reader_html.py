"""The written HTML of the real site: valid to the Nu HTML checker, sharing and safety metadata,
Pygments CSS only where there is code. No browser needed.
"""

from __future__ import annotations

import runpy

import pytest

from html_checks import head_problems, pygments_problems, vnu_errors
from reader import PAGES, record
from tools import REPO, vnu_command


def public_url() -> str:
    return runpy.run_path(str(REPO / "pelicanconf.py"))["GUIDE_PUBLIC_URL"]


@pytest.mark.parametrize("name", PAGES)
def test_head_has_sharing_and_safety_metadata(servers_site, name):
    assert head_problems(servers_site.html(name), name, public_url()) == []


@pytest.mark.parametrize("name", PAGES)
def test_pygments_css_only_where_there_is_code(servers_site, name):
    assert pygments_problems(servers_site.html(name)) == []


def test_nu_html_checker_finds_no_error(servers_site):
    files = sorted(servers_site.output.glob("**/*.html"))
    assert sorted(f.name for f in files) == sorted(PAGES)
    errors = vnu_errors(vnu_command(), files)
    record("vnu errors", sum(map(len, errors.values())))
    assert errors == {}


def test_canonical_address_must_be_absolute(guide):
    guide.page("a.md", title="Alpha", slug="alpha", sortorder="0101")
    result = guide.build(settings={"GUIDE_PUBLIC_URL": '"guide.example.org"'})
    assert result.returncode == 1
    assert any("GUIDE_PUBLIC_URL 'guide.example.org' must be an absolute" in line for line in result.error_lines), result.stderr
