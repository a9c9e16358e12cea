"""Warm builds and the search index's shards (search.py): after an edit, a build reads again
only the edited pages (the others come from Pelican's content cache), renders and checks
only what they change, indexes only their shards; and the site, the search index and the
report are what a cold build of the same sources gives, byte for byte and line for line."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import REPO, Guide, run_build, tree_bytes
from guides import every_shape_settings, write_every_shape


def timings(guide) -> dict:
    return json.loads(
        (guide.output.parent / f".cache-{guide.output.name}" / "guide-timings.json").read_text()
    )


def problem_lines(result) -> list[str]:
    return [
        line for line in result.stderr.splitlines() if line.startswith(("warning: ", "error: ", "info: "))
    ]


@pytest.fixture
def warm(tmp_path):
    """A guide built once, its cache kept, rebuilt after each edit as an author does."""
    guide = Guide(tmp_path / "guide")
    write_every_shape(guide)
    guide.page(
        "05/servers.md",
        "Servers run the code.\n\n![Logo](/img/logo.png)\n\n## Bare metal\n\n## Virtual\n"
        "\nA [link](/no-such-page.html) and a [missing image](/img/none.png).\n",
        title="Servers",
        slug="servers",
        sortorder="0502",
        aliases="servers-old, machines",
    )
    theme = guide.root / "theme"
    shutil.copytree(REPO / "theme", theme)
    guide.conffile = every_shape_settings(
        guide,
        THEME=str(theme),
        GUIDE_MISSING_PAGES_BASE="https://guide.example.org",
        GUIDE_SEARCH_SHARD_PAGES=5,
    )
    first = guide.build(conffile=guide.conffile)
    assert first.returncode == 0, first.stderr
    return guide


def rebuild_and_compare(guide, tmp_path, read: int):
    """The warm build, then a cold one of the same sources: the same files, byte for byte,
    and the same report, in the same order (-v: each link to the complete guide too); `read`
    is how many pages the warm build must have read again."""
    result = guide.build(conffile=guide.conffile, options=("-v",))
    assert result.returncode == 0, result.stderr
    assert timings(guide)["pages read"] == read
    cold = run_build(
        guide.content,
        tmp_path / "cold",
        conffile=guide.conffile,
        cache=tmp_path / "cold-cache",
        options=("-v",),
    )
    assert cold.returncode == 0, cold.stderr
    assert tree_bytes(guide.output) == tree_bytes(tmp_path / "cold")
    assert problem_lines(result) == problem_lines(cold)
    return result


def edit(guide, name, old, new):
    path = guide.content / "pages" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_body_edit_reads_one_page_and_gives_a_cold_builds_bytes_and_report(warm, tmp_path):
    edit(
        warm,
        "05/servers.md",
        "## Virtual",
        "More about servers, and an [other link](/nowhere.html).\n\n## Virtual machines",
    )
    result = rebuild_and_compare(warm, tmp_path, read=1)
    # The page, its two redirects (aliases) and its Markdown; the three HTML files checked.
    assert "4 files rendered, 43 reused, 3 checked" in result.summary
    assert any("/nowhere.html is not a page of this site" in line for line in result.stderr.splitlines())
    assert any(
        "img/none.png" in line for line in result.warning_lines
    )  # the page's other warnings, said again
    assert timings(warm)["search_shards_indexed"] == 1


def test_a_new_first_paragraph_changes_the_description_and_llms_txt(warm, tmp_path):
    edit(warm, "01/02.md", "Some text about the page.", "A new first paragraph for the learning path.")
    rebuild_and_compare(warm, tmp_path, read=1)
    assert "A new first paragraph for the learning path." in (warm.output / "llms.txt").read_text()


def test_a_hidden_pages_body_edit_too(warm, tmp_path):
    edit(warm, "01/hidden.md", "Some text about the page.", "Other notes.")
    rebuild_and_compare(warm, tmp_path, read=1)


@pytest.mark.parametrize(
    ("change", "read"),
    [
        pytest.param(
            lambda g: edit(g, "05/apache.md", "title: Apache", "title: Apache httpd"), 1, id="a title"
        ),
        pytest.param(
            lambda g: edit(g, "05/oracle.md", "sortorder: 0503", "sortorder: 0504"), 1, id="a sortorder"
        ),
        pytest.param(
            lambda g: g.page("05/nginx.md", title="Nginx", slug="nginx", sortorder="0505"), 1, id="a new page"
        ),
        pytest.param(lambda g: (g.content / "pages" / "60" / "x.md").unlink(), 0, id="a removed page"),
        pytest.param(
            lambda g: edit(g, "05/hosting.md", "slug: hosting", "slug: web-hosting"), 1, id="a renamed slug"
        ),
        pytest.param(lambda g: g.file("img/logo.png", b"\x89PNG\r\n\x1a\nnew"), 0, id="an image"),
    ],
)
def test_any_other_change_gives_the_same_bytes_search_index_included(warm, tmp_path, change, read):
    change(warm)
    rebuild_and_compare(warm, tmp_path, read=read)


def test_a_new_title_renders_its_chapter_but_indexes_one_shard(warm, tmp_path):
    edit(warm, "05/apache.md", "title: Apache", "title: Apache httpd")  # its sidebar label too
    result = rebuild_and_compare(warm, tmp_path, read=1)
    rendered = int(result.summary.split(" files rendered")[0].rsplit(" ", 1)[1])
    assert rendered > 5 and timings(warm)["search_shards_indexed"] == 1


def test_an_edit_that_breaks_a_page_is_reported_and_leaves_the_site(warm):
    before = tree_bytes(warm.output)
    edit(warm, "05/servers.md", "Servers run the code.", '<meta http-equiv="refresh" content="0">')
    result = warm.build(conffile=warm.conffile)
    assert result.returncode == 1
    assert any("05/servers.md: <meta> in the page body" in line for line in result.error_lines)
    assert tree_bytes(warm.output) == before


def test_strict_mode_counts_the_warnings_of_pages_not_read_again(warm):
    edit(warm, "05/hosting.md", "Some text about the page.", "Other text.")
    result = warm.build(conffile=warm.conffile, options=("--strict",))
    assert result.returncode == 1 and "strict mode" in result.stderr


def test_a_theme_that_reads_what_only_pelican_gives_gets_it_after_an_edit(warm, tmp_path):
    page = warm.root / "theme" / "templates" / "page.html"
    page.write_text(
        page.read_text().replace("{% block content %}", "{% block content %}<!-- {{ pages|length }} -->", 1)
    )
    assert warm.build(conffile=warm.conffile).returncode == 0  # the theme changed: every file rendered
    edit(warm, "05/hosting.md", "Some text about the page.", "Other text.")
    rebuild_and_compare(warm, tmp_path, read=1)
    assert "<!-- 19 -->" in (warm.output / "hosting.html").read_text()  # 19 published pages


def inodes(folder) -> dict[str, int]:
    return {
        path.relative_to(folder).as_posix(): path.stat().st_ino
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_an_edit_indexes_its_shard_again_and_links_the_others(warm, tmp_path):
    index = warm.output / "pagefind"
    manifest = json.loads((index / "shards.json").read_text())
    assert [shard["path"] for shard in manifest["shards"]] == ["0/", "1/", "2/", "3/"]  # 18 pages, 5 a shard
    assert (index / "0" / "pagefind.js").exists() and not (index / "1" / "pagefind.js").exists()
    before = inodes(index)
    edit(warm, "05/hosting.md", "Some text about the page.", "Other text.")
    rebuild_and_compare(warm, tmp_path, read=1)
    after = inodes(index)
    changed = {
        path.split("/")[0] for path in after if before.get(path) != after[path] and path != "shards.json"
    }
    assert len(changed) == 1  # the edited page's shard
    keys = {
        shard["path"]: shard["key"] for shard in json.loads((index / "shards.json").read_text())["shards"]
    }
    assert sum(keys[name] != old["key"] for name, old in ((s["path"], s) for s in manifest["shards"])) == 1


def test_a_build_run_from_another_folder_checks_nothing_again(warm):
    """The check's records do not depend on the working folder, where the sources are shown
    from: a build with nothing changed, run from elsewhere, reads and checks no file again."""
    before = tree_bytes(warm.output)
    # Built first from the repository (the sources shown whole), now from the guide's folder
    # (shown as content/pages/...).
    result = run_build(warm.content, warm.output, conffile=warm.conffile, cwd=warm.root)
    assert result.returncode == 0, result.stderr
    assert " 0 checked" in result.summary, result.summary
    assert timings(warm)["pages read"] == 0
    assert tree_bytes(warm.output) == before
