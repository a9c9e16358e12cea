"""Pelican's content cache: a warm rebuild types metadata the same and stops on the same errors."""

from __future__ import annotations

import os
from pathlib import Path


def _pages(guide) -> dict[str, Path]:
    return {
        "landing": guide.page(
            "05/landing.md", title="Deployment", slug="deployment", sortorder="0500", toc="Yes",
            sidebartitle="Deploy",
        ),
        "servers": guide.page(
            "05/zz-servers.md", title="Servers & <co>", slug="servers", sortorder="0502", toc="no"
        ),
        "late": guide.page(
            "05/aa-late.md", title="Late", slug="late", sortorder="050000010",
            meta="A page far down the chapter.",
        ),
    }  # fmt: skip


def _written(output: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(output.glob("*.html"))}


def _edit_keeping_mtime(path: Path, old: str, new: str) -> None:
    """Change a file without Pelican's mtime check noticing: what it then shows came from the cache."""
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_warm_rebuild_reads_the_cache_and_types_metadata_the_same(guide):
    pages = _pages(guide)
    cold = guide.build()
    assert cold.returncode == 0, cold.stderr
    before = _written(guide.output)
    _edit_keeping_mtime(pages["servers"], "Some text about the page.", "Text the cache has not seen.")

    warm = guide.build()

    assert warm.returncode == 0, warm.stderr
    assert "Text the cache has not seen" not in warm.html("servers.html")  # served from the cache
    assert _written(guide.output) == before
    soup = warm.soup("servers.html")
    sidebar = soup.select_one('nav[aria-label="Table of contents"]')
    # toc "Yes" made a landing page, toc "no" did not; the 9-digit sortorder sorts last.
    assert [a.get_text() for a in sidebar.select("a")][1:] == ["5. Deploy", "Servers & <co>", "Late"]
    assert sidebar.select_one('[aria-current="page"]').get_text() == "Servers & <co>"
    assert warm.soup("late.html").find("meta", attrs={"name": "description"})["content"] == (
        "A page far down the chapter."
    )


def test_metadata_broken_after_a_cached_build_stops_the_warm_rebuild(guide):
    pages = _pages(guide)
    assert guide.build().returncode == 0
    before = _written(guide.output)
    text = pages["servers"].read_text(encoding="utf-8").replace("sortorder: 0502", "sortorder: 05a2")
    pages["servers"].write_text(text, encoding="utf-8")

    warm = guide.build()

    assert warm.returncode == 1
    assert any('sortorder "05a2" must be digits only, like 0502' in line for line in warm.error_lines)
    assert "Traceback" not in warm.stderr
    assert _written(guide.output) == before


def test_a_bad_page_in_the_cache_still_stops_every_rebuild(guide):
    _pages(guide)
    guide.page("05/dup.md", title="Again", slug="servers", sortorder="0503")
    guide.page("05/bad.md", title="Bad", slug="bad", sortorder="0504", toc="maybe")
    messages = []
    for _ in range(2):  # the second build reads both pages from the cache
        result = guide.build()
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        messages.append(result.error_lines)
    assert messages[0] == messages[1]
    assert any('toc "maybe" must be true, false, yes or no' in line for line in messages[1])
    assert any('slug "servers" is already used by' in line for line in messages[1])
    assert not guide.output.exists()
