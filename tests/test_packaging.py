"""The project as a Pelican plugin and theme: plain `pelican` builds the same site as
`make html` and reports errors in the same one line; another Pelican site gets the guide's
values of the Pelican settings it leaves at their defaults and one line for each it sets
otherwise; a site that never asked for the guide builds as without it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SEED_CONTENT, run_build, run_make, tree_bytes

PELICAN = Path(sys.executable).parent / "pelican"


def test_plain_pelican_builds_what_make_html_builds(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SEED_CONTENT, project / "content")
    shutil.copy(REPO / "pelicanconf.py", project)
    shutil.copytree(REPO / "theme", project / "theme")
    plain = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "plain"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert plain.returncode == 0, plain.stdout + plain.stderr
    staged = run_build(
        project / "content", project / "staged", conffile=project / "pelicanconf.py", cwd=project
    )
    assert staged.returncode == 0, staged.stderr
    assert tree_bytes(project / "plain") == tree_bytes(project / "staged")
    assert "guide: 2 pages" in plain.stdout  # the Servers page and the home page


def plain_pelican(site: Path, *options: str) -> subprocess.CompletedProcess:
    """`pelican content` in `site`, as an author runs it (wide enough that no line wraps)."""
    return subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "out", *options],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "2000"},  # a long checkout path makes a long line
    )


def test_plain_pelican_reports_a_content_error_in_one_line_without_a_traceback(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SEED_CONTENT, project / "content")
    shutil.copy(REPO / "pelicanconf.py", project)
    shutil.copytree(REPO / "theme", project / "theme")
    page = next((project / "content").rglob("servers.markdown"))
    page.write_text(page.read_text().replace("sortorder: 0502", "sortorder: 05x2"))
    plain = plain_pelican(project)
    assert plain.returncode == 1
    said = plain.stdout + plain.stderr
    assert 'sortorder "05x2" must be digits only' in said
    lines = [line for line in said.splitlines() if "1 error; nothing was written" in line]
    assert len(lines) == 1 and "GuideBuildFailed" not in said
    assert "Traceback" not in said and "╭" not in said  # neither Python's nor rich's
    staged = run_build(
        project / "content", project / "staged", conffile=project / "pelicanconf.py", cwd=project
    )
    assert staged.error_lines[-1].startswith("error: 1 error; nothing was written")  # the same line

    debugging = plain_pelican(project, "-D")
    assert debugging.returncode == 1 and "Traceback" in debugging.stdout + debugging.stderr


def write_site(folder: Path, settings: str) -> Path:
    (folder / "content" / "pages").mkdir(parents=True)
    # As pelican-quickstart writes a site's settings, with no feed.
    feeds = "".join(
        f"{name} = None\n"
        for name in (
            "FEED_ALL_ATOM",
            "CATEGORY_FEED_ATOM",
            "TRANSLATION_FEED_ATOM",
            "AUTHOR_FEED_ATOM",
            "AUTHOR_FEED_RSS",
        )
    )
    (folder / "pelicanconf.py").write_text(
        'SITENAME = "Other"\nPATH = "content"\nTIMEZONE = "UTC"\n' + feeds + settings
    )
    (folder / "content" / "pages" / "a.md").write_text(
        "title: Start\nslug: start\nsortorder: 0100\ntoc: yes\n\nHello [next](/next.html).\n"
    )
    (folder / "content" / "pages" / "b.md").write_text("title: Next\nslug: next\nsortorder: 0101\n\nMore.\n")
    return folder


def test_a_site_that_sets_the_guides_pelican_settings_otherwise_hears_one_line_for_each(tmp_path):
    site = write_site(
        tmp_path / "other",
        (
            'PLUGINS = ["guide"]\nPAGE_URL = "docs/{slug}.html"\nPAGE_SAVE_AS = "docs/{slug}.html"\n'
            'STATIC_PATHS = ["img"]\n'
            'GUIDE_MISSING_PAGES_BASE = "https://guide.example.org"\n'
            'MARKDOWN = {"extension_configs": {"markdown.extensions.codehilite": {"css_class": "code"}}}\n'
        ),
    )
    result = run_build(site / "content", site / "out", conffile=site / "pelicanconf.py", cwd=site)
    assert result.returncode == 0, result.stderr
    named = sorted(line.split()[1] for line in result.warning_lines)
    assert named == [
        'MARKDOWN["extension_configs"]["markdown.extensions.codehilite"]["css_class"]',
        "PAGE_SAVE_AS",
        "PAGE_URL",
        "STATIC_PATHS",
    ]
    assert (
        "warning: PAGE_URL 'docs/{slug}.html' is not the guide's '{slug}.html': "
        "links written from the site root" in result.stderr
    )
    assert "4 warnings" in result.summary
    page = (site / "out" / "docs" / "start.html").read_text()  # the site's choice stands
    assert "https://guide.example.org/next.html" in page  # /next.html is not where the page is: as warned
    strict = run_build(
        site / "content", site / "out", conffile=site / "pelicanconf.py", cwd=site, options=("--strict",)
    )
    assert strict.returncode == 1 and len(strict.warning_lines) == 4


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            'ARTICLE_PATHS = ["posts"]',
            "ARTICLE_PATHS ['posts'] must be [] or unset: the guide has pages only",
        ),
        (
            'DIRECT_TEMPLATES = ["table-of-contents", "404", "archives"]',
            "DIRECT_TEMPLATES names 'archives', which the theme has no template for",
        ),
        (
            'DIRECT_TEMPLATES = ["404"]',
            "DIRECT_TEMPLATES ['404'] leaves out table-of-contents, which the theme's pages link to",
        ),
        (
            'DIRECT_TEMPLATES = ["index", "table-of-contents", "404"]',
            "DIRECT_TEMPLATES ['index', 'table-of-contents', '404'] names 'index', but the guide writes "
            "index.html itself",
        ),
        (
            'THEME = "simple"',
            "is not the guide's theme (it has no css): leave THEME unset for the guide's, "
            "or set THEME = pelican.plugins.guide.theme_path()",
        ),
    ],
    ids=["articles", "unknown-template", "template-left-out", "index", "theme"],
)
def test_a_setting_the_guide_cannot_build_with_is_one_error_line(tmp_path, setting, message):
    site = write_site(tmp_path / "other", f'PLUGINS = ["guide"]\n{setting}\n')
    result = run_build(site / "content", site / "out", conffile=site / "pelicanconf.py", cwd=site)
    assert result.returncode == 1
    assert len(result.error_lines) == 1 and message in result.error_lines[0]
    assert result.error_lines[0].startswith(f"error: {site / 'pelicanconf.py'}: ")
    assert not (site / "out").exists()
    plain = plain_pelican(site)
    assert (
        plain.returncode == 1
        and message in plain.stdout + plain.stderr
        and "Traceback" not in plain.stdout + plain.stderr
    )


@pytest.mark.parametrize("theme", ['THEME = "simple"\n', ""], ids=["another-theme", "pelicans-theme"])
def test_a_site_that_never_asked_for_the_guide_builds_as_without_it(tmp_path, theme):
    """PLUGINS unset (Pelican loads every installed namespace plugin, this one too), no GUIDE_*
    setting, a theme of its own or Pelican's: the same bytes as a build with no plugin at all."""
    never = write_site(tmp_path / "never", theme + "RELATIVE_URLS = True\n")
    (never / "content" / "first-post.md").write_text("Title: First post\nDate: 2026-01-02\n\nA blog post.\n")
    without = tmp_path / "without"
    shutil.copytree(never, without)
    (without / "pelicanconf.py").write_text((never / "pelicanconf.py").read_text() + "PLUGINS = []\n")
    idle, bare = plain_pelican(never, "-v"), plain_pelican(without, "-v")
    assert idle.returncode == 0 and bare.returncode == 0, idle.stdout + idle.stderr
    assert tree_bytes(never / "out") == tree_bytes(without / "out")
    assert (never / "out" / "pages" / "start.html").exists() and (never / "out" / "first-post.html").exists()
    said = idle.stdout + idle.stderr
    assert said.count("guide: idle:") == 1 and "guide: idle:" not in bare.stdout + bare.stderr
    assert not list(never.rglob("guide-*")) and not (never / "out" / ".guide-site").exists()


def test_a_site_that_sets_its_theme_itself_gets_the_guides_with_the_documented_line(tmp_path):
    site = write_site(
        tmp_path / "own",
        'PLUGINS = ["guide"]\nfrom pelican.plugins.guide import theme_path\nTHEME = theme_path()\n',
    )
    result = run_build(
        site / "content",
        site / "out",
        conffile=site / "pelicanconf.py",
        cwd=site,
        settings={"GUIDE_MISSING_PAGES_BASE": '"https://guide.example.org"'},
    )
    assert result.returncode == 0, result.stderr
    assert not result.warning_lines and "0 warnings, 0 errors" in result.summary
    assert 'aria-current="page"' in (site / "out" / "start.html").read_text()


def test_the_first_make_html_says_what_it_installs_and_shows_pips_progress(tmp_path):
    first = run_make("html", env={"MAKEFLAGS": "-n"}, VENV=str(tmp_path / "venv"))
    lines = first.stdout.splitlines()
    said = [line for line in lines if line.startswith("echo ")]
    assert [line.split('"')[1].split(" into ")[0] for line in said] == [
        "make: creating the virtual environment " + str(tmp_path / "venv") + " with python3",
        "make: installing the pinned dependencies (requirements.txt)",
        "make: installing this project",
    ]
    installs = [line for line in lines if " -m pip install " in line]
    assert len(installs) == 2 and not any("--quiet" in line or " -q " in line for line in installs)
    assert (
        "editable_mode" not in first.stdout
    )  # setuptools' default editable install serves PLUGINS = ["guide"]
    # A venv installed after the files it was installed from: only the build runs.
    installed = tmp_path / "installed"
    (installed / "bin").mkdir(parents=True)
    (installed / "bin" / "python").touch()
    (installed / ".installed").touch()
    later = run_make("html", env={"MAKEFLAGS": "-n"}, VENV=str(installed))
    assert [line.split()[0].strip('"') for line in later.stdout.splitlines()] == [
        str(installed / "bin" / "guide-build")
    ]
