"""A warm build renders only what an edit changes, links the rest from the previous site,
and writes exactly the bytes a cold build writes."""

from __future__ import annotations

import shutil

import pytest
from conftest import REPO, Guide, run_build, tree_bytes
from guides import every_shape_settings, write_every_shape


def inodes(folder) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_ino for path in folder.rglob("*.html")}


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """One guide rebuilt after each edit, as an author does; the cache kept throughout."""
    guide = Guide(tmp_path_factory.mktemp("incremental"))
    write_every_shape(guide)
    theme = guide.root / "theme"
    shutil.copytree(REPO / "theme", theme)
    guide.conffile = every_shape_settings(guide, THEME=str(theme))
    first = guide.build(conffile=guide.conffile)
    assert first.returncode == 0, first.stderr
    return guide


def rebuild(guide, tmp_path):
    """The warm build, then a cold one of the same sources elsewhere: (changed html, result)."""
    before = inodes(guide.output)
    result = guide.build(conffile=guide.conffile)
    assert result.returncode == 0, result.stderr
    cold = run_build(guide.content, tmp_path / "cold", conffile=guide.conffile, cache=tmp_path / "cold-cache")
    assert cold.returncode == 0, cold.stderr
    assert tree_bytes(guide.output) == tree_bytes(tmp_path / "cold")
    after = inodes(guide.output)
    return {name for name in after if before.get(name) != after[name]}, result


def edit(guide, name, old, new):
    path = guide.content / "pages" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_an_unchanged_guide_renders_nothing(warm, tmp_path):
    changed, result = rebuild(warm, tmp_path)
    assert changed == set()
    assert "0 files rendered" in result.summary and "0 checked" in result.summary


def test_editing_a_body_renders_that_page_only(warm, tmp_path):
    edit(warm, "05/hosting.md", "Some text about the page.", "Some text about the page.\n\nA new paragraph.")
    changed, result = rebuild(warm, tmp_path)
    assert changed == {"hosting.html"}
    assert "2 files rendered" in result.summary  # the page and its Markdown copy
    assert ", 1 checked" in result.summary  # the others' links are settled, not parsed again


def test_editing_a_sidebartitle_renders_its_chapter_and_the_theme_pages(warm, tmp_path):
    edit(warm, "05/apache.md", "title: Apache", "title: Apache\nsidebartitle: Apache httpd")
    changed, _ = rebuild(warm, tmp_path)
    chapter_5 = {
        "hosting.html",
        "apache.html",
        "servers.html",
        "Oracle.html",
        "servers-old.html",
        "machines.html",
    }
    assert chapter_5 - {"servers-old.html", "machines.html"} <= changed
    assert {"index.html", "table-of-contents.html"} <= changed
    assert "why-python.html" not in changed and "django-apps.html" not in changed


@pytest.mark.parametrize(
    "name, old, new",
    [
        ("05/oracle.md", "sortorder: 0503", "sortorder: 0500"),
        ("01/02.md", "sortorder: 0102", "sortorder: 0102\ntoc: True"),
        ("ex/pandas.md", "title: pandas Example Code", "title: pandas Examples"),
    ],
)
def test_moving_a_page_or_its_toc_flag_gives_a_cold_builds_bytes(warm, tmp_path, name, old, new):
    edit(warm, name, old, new)
    changed, _ = rebuild(warm, tmp_path)
    assert changed  # and the tree equals a cold build's (in rebuild)


def test_editing_a_template_renders_everything(warm, tmp_path):
    template = warm.root / "theme" / "templates" / "partials" / "prev-next.html"
    template.write_text(template.read_text().replace("Previous", "Back"))
    changed, _ = rebuild(warm, tmp_path)
    assert changed == set(inodes(warm.output))


def test_editing_a_setting_renders_everything(warm, tmp_path):
    warm.conffile.write_text(warm.conffile.read_text() + 'SITENAME = "Another Name"\n')
    changed, _ = rebuild(warm, tmp_path)
    assert changed == set(inodes(warm.output))
    assert "Another Name" in (warm.output / "servers.html").read_text()


def test_removing_a_page_removes_its_files(warm, tmp_path):
    (warm.content / "pages" / "60" / "x.md").unlink()
    _changed, _ = rebuild(warm, tmp_path)
    assert not (warm.output / "stray.html").exists() and not (warm.output / "stray.md").exists()


def test_files_of_the_content_folder_are_linked_when_unchanged_and_copied_when_edited(warm, tmp_path):
    image = warm.output / "img" / "logo.png"
    before = image.stat().st_ino
    rebuild(warm, tmp_path)
    assert image.stat().st_ino == before  # the same file, linked from the previous site
    (warm.content / "img" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\na new logo")
    rebuild(warm, tmp_path)
    assert image.read_bytes().endswith(b"a new logo")
