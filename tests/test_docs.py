"""The manual (docs/) is a guide of its own, built by the same `guide-build` with strict mode
on: every page, its sidebar, contents, search and links pass the same check, and the build
prints no warning at all (Pelican's own included)."""

from __future__ import annotations

from conftest import REPO, run_build

DOCS = REPO / "docs"


def test_the_manual_builds_strict_with_no_warning(tmp_path):
    built = run_build(
        DOCS / "content", tmp_path / "docs", conffile=DOCS / "pelicanconf.py", options=("--strict",)
    )
    assert built.returncode == 0, built.stderr
    assert built.stderr.strip() == "", built.stderr
    assert "0 warnings, 0 errors" in built.summary
    chapters = [line for line in built.html("table-of-contents.html").splitlines() if "<h2" in line]
    assert len(chapters) >= 7, chapters
    for page in ("getting-started.html", "settings.html", "the-check.html", "how-it-is-built.html"):
        assert (tmp_path / "docs" / page).is_file(), page
