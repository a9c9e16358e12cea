"""Bad input stops the build with one line per problem, no traceback, and no file written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CONFFILE, REPO


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_failed_cleanly(result, *expected_lines):
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for line in expected_lines:
        assert f"error: {line}" in result.stderr.splitlines(), result.stderr
    # Every line the build printed about a problem is a single line starting with its level.
    for line in result.stderr.splitlines():
        assert line.startswith(("error: ", "warning: ")), line
    assert not result.output.exists()
    assert not list(result.output.parent.glob(".*staging*"))


def good_page(guide, name="good.md", **overrides):
    metadata = {"title": "Good", "slug": "good", "sortorder": "0101", **overrides}
    return guide.page(name, **metadata)


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"sortorder": "05a2"}, 'sortorder "05a2" must be digits only, like 0502'),
        ({"sortorder": "05"}, 'sortorder "05" must have at least 3 digits: 2 for the chapter, then the position'),
        ({"sortorder": None}, "sortorder is missing; it must be digits only, like 0502"),
        ({"slug": "Bad_Slug"}, 'slug "Bad_Slug" must be lowercase letters, digits and single hyphens, like servers or web-servers'),
        ({"slug": None}, "slug is missing; it must be lowercase letters, digits and single hyphens, like servers or web-servers"),
        ({"slug": "table-of-contents"}, 'slug "table-of-contents" is taken by the site\'s own table-of-contents page; choose another'),
        ({"toc": "maybe"}, 'toc "maybe" must be true, false, yes or no'),
        ({"title": None}, "title is missing; it must be the page's title as plain text"),
    ],
)
def test_each_metadata_rule_stops_the_build(guide, metadata, message):
    fields = {"title": "Bad", "slug": "bad", "sortorder": "0102", **metadata}
    path = guide.page("bad.md", **{key: value for key, value in fields.items() if value is not None})
    good_page(guide)
    result = guide.build()
    assert_failed_cleanly(result, f"{path}: {message}")
    assert "error: 1 metadata problem; no file was written" in result.stderr


def test_a_slug_that_climbs_out_never_reaches_the_file_system(guide, tmp_path):
    path = guide.page("evil.md", title="Evil", slug="../../x", sortorder="0101")
    result = guide.build()
    assert_failed_cleanly(result, f'{path}: slug "../../x" must be lowercase letters, digits and single hyphens, like servers or web-servers')
    # output/../../x.html is tmp_path.parent/x.html; nothing may land there or below tmp_path.
    assert not (tmp_path.parent / "x.html").exists()
    assert not list(tmp_path.rglob("x.html"))
    assert "outside output path" not in result.stderr


def test_duplicate_slug_names_both_files(guide):
    first = good_page(guide, "a.md")
    second = good_page(guide, "b.md", sortorder="0102")
    result = guide.build()
    assert_failed_cleanly(result, f'{second}: slug "good" is already used by {first}; slugs must be unique')


def test_duplicate_chapter_and_position_names_both_files(guide):
    first = good_page(guide, "a.md", slug="a", sortorder="0502")
    second = good_page(guide, "b.md", slug="b", sortorder="05002")
    result = guide.build()
    assert_failed_cleanly(
        result,
        f'{second}: sortorder "05002" (chapter 5, position 2) is already used by {first}; each page needs its own position',
    )


def test_two_landing_pages_in_one_chapter(guide):
    first = good_page(guide, "a.md", slug="a", sortorder="0500", toc="True")
    second = good_page(guide, "b.md", slug="b", sortorder="0501", toc="yes")
    good_page(guide, "c.md", slug="c", sortorder="0600", toc="yes")  # another chapter: fine
    result = guide.build()
    assert_failed_cleanly(
        result,
        f'{second}: toc "yes" makes a second landing page for chapter 5; {first} already is one, and a chapter has at most one',
    )


def test_every_problem_is_reported_in_one_run(guide):
    guide.page("a.md", title="A", slug="A", sortorder="x", toc="perhaps")
    guide.page("b.md", title="B", sortorder="0101")
    result = guide.build()
    assert result.returncode == 1
    assert len([line for line in result.error_lines if "/pages/" in line]) == 4
    assert "error: 4 metadata problems; no file was written" in result.stderr


def test_failed_build_leaves_the_previous_output_as_it_was(guide):
    page = good_page(guide)
    assert guide.build().returncode == 0
    before = tree(guide.output)
    page.write_text(page.read_text().replace("sortorder: 0101", "sortorder: 01x1"))
    result = guide.build()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert tree(guide.output) == before


def test_bad_setting_names_the_settings_file_and_value(guide):
    good_page(guide)
    result = guide.build(settings={"GUIDE_CHAPTERS": json.dumps({"5": "Deployment"})})
    assert_failed_cleanly(
        result,
        f"{CONFFILE}: GUIDE_CHAPTERS key '5' must be a chapter number from 0 to 99, like {{5: \"Deployment\"}}",
    )


def test_settings_file_with_a_syntax_error(guide, tmp_path):
    good_page(guide)
    conf = tmp_path / "brokenconf.py"
    conf.write_text(CONFFILE.read_text() + "\nPLUGINS = [\n")
    result = guide.build(conffile=conf)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert any(line.startswith(f"error: {conf}:") for line in result.error_lines), result.stderr


def test_broken_theme_template_names_the_file(guide, tmp_path):
    good_page(guide)
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    page_template = theme / "templates" / "page.html"
    page_template.write_text(page_template.read_text().replace("{% endblock content %}", "{% endblock %", 1))
    result = guide.build(settings={"THEME": json.dumps(str(theme))})
    assert_failed_cleanly(result)
    assert any("page.html" in line and "template syntax error" in line for line in result.error_lines), result.stderr


def test_template_that_breaks_while_rendering(guide, tmp_path):
    good_page(guide)
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    template = theme / "templates" / "page.html"
    template.write_text(template.read_text().replace("{{ page.title }}</h1>", "{{ page.title.nope.deeper }}</h1>"))
    result = guide.build(settings={"THEME": json.dumps(str(theme))})
    assert_failed_cleanly(result)
    assert any("page.html:9: theme template error" in line and "nope" in line for line in result.error_lines), result.stderr

