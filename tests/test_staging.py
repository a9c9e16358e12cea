"""The staged build keeps the previous site aside for the next build to remove; output/ is exact."""

from __future__ import annotations


def test_a_removed_page_is_gone_after_the_next_build_and_the_old_site_is_cleared(guide):
    guide.page("05/a.md", title="A", slug="a", sortorder="0501")
    gone = guide.page("05/b.md", title="B", slug="b", sortorder="0502")
    assert guide.build().returncode == 0
    assert guide.build().returncode == 0  # the first site now waits beside the output
    staging = guide.root / ".output.staging"
    assert (staging / "b.html").exists()
    gone.unlink()

    result = guide.build()

    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in guide.output.glob("*.html")) == [
        "404.html", "a.html", "index.html", "table-of-contents.html",
    ]  # fmt: skip
    assert not list(guide.root.glob(".output.staging.old-*"))  # cleared during the build
