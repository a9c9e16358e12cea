"""The project as a Pelican plugin and theme: plain `pelican` builds the same site as
`make html`, and another Pelican site can use them with nothing installed by hand."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, SEED_CONTENT, run_build, tree_bytes

PELICAN = Path(sys.executable).parent / "pelican"


def test_plain_pelican_builds_what_make_html_builds(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SEED_CONTENT, project / "content")
    shutil.copy(REPO / "pelicanconf.py", project)
    shutil.copytree(REPO / "theme", project / "theme")
    plain = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "plain"],
        cwd=project, capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert plain.returncode == 0, plain.stdout + plain.stderr
    staged = run_build(project / "content", project / "staged", conffile=project / "pelicanconf.py", cwd=project)
    assert staged.returncode == 0, staged.stderr
    assert tree_bytes(project / "plain") == tree_bytes(project / "staged")
    assert "guide: 1 page" in plain.stdout


def test_plain_pelican_fails_with_a_non_zero_status_on_a_broken_page(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SEED_CONTENT, project / "content")
    shutil.copy(REPO / "pelicanconf.py", project)
    shutil.copytree(REPO / "theme", project / "theme")
    page = next((project / "content").rglob("*.markdown"))
    page.write_text(page.read_text().replace("sortorder: 0502", "sortorder: 05x2"))
    plain = subprocess.run([str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "out"], cwd=project,
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert plain.returncode == 1
    assert 'sortorder "05x2" must be digits only' in plain.stdout + plain.stderr


OTHER_SITE = f"""\
SITENAME = "Other Guide"
PATH = "content"
THEME = {str(REPO / "theme")!r}
PLUGINS = ["guide"]
DIRECT_TEMPLATES = ["index", "table-of-contents", "404"]
"""


def test_another_pelican_site_uses_the_plugin_and_theme(tmp_path):
    site = tmp_path / "other"
    (site / "content" / "pages").mkdir(parents=True)
    (site / "pelicanconf.py").write_text(OTHER_SITE)
    (site / "content" / "pages" / "a.md").write_text("title: Start\nslug: start\nsortorder: 0100\ntoc: yes\n\nHello.\n")
    (site / "content" / "pages" / "b.md").write_text("title: Next\nslug: next\nsortorder: 0101\n\nMore.\n")
    done = subprocess.run([str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "out"], cwd=site,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 warnings, 0 errors" in done.stdout  # the check ran, and passed
    page = (site / "out" / "pages" / "next.html").read_text()  # Pelican's own PAGE_URL
    assert "<title>Next - Other Guide</title>" in page
    assert 'href="/pages/start.html"' in page and 'aria-current="page"' in page
    assert "Full Stack Python" not in page
