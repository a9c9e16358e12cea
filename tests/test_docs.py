"""The manual (docs/) is a guide of its own, built by the same `guide-build` with strict mode
on: every page, its sidebar, contents, search and links pass the same check, and the build
prints no warning at all (Pelican's own included)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
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


@pytest.mark.parametrize("name", ["settings.md", "pelican-settings.md"])
def test_the_settings_reference_is_made_from_the_tables_of_settings(name):
    from pelican.plugins.guide.reference import PAGES

    page = DOCS / "content" / "pages" / "04-settings" / name
    assert page.read_text(encoding="utf-8") == PAGES[name](), (
        f"docs/content/pages/04-settings/{name} differs from the tables of settings: "
        "run `python -m pelican.plugins.guide.reference docs/content/pages/04-settings` (make docs does)"
    )


def test_every_setting_has_a_type_and_a_meaning_and_one_without_is_named():
    from pelican.plugins.guide.reference import undescribed
    from pelican.plugins.guide.settings import DEFAULTS, SETTINGS, Setting
    from pelican.plugins.guide.sitesettings import PELICAN_SETTINGS, PelicanSetting, guide_values

    assert undescribed() == []
    assert set(DEFAULTS) == set(SETTINGS)
    assert set(guide_values()) == set(PELICAN_SETTINGS)
    broken = {**SETTINGS, "GUIDE_NEW": Setting("Build", 1, "int", " ")}
    assert undescribed(broken) == ["GUIDE_NEW"]
    unshown = {**PELICAN_SETTINGS, "SUMMARY_MAX_LENGTH": PelicanSetting(None, "", "")}
    assert undescribed(pelican_table=unshown) == ["SUMMARY_MAX_LENGTH"]


@pytest.mark.parametrize("command", ["guide-build", "guide-devserver", "guide-linkcheck", "guide-quickstart"])
def test_every_commands_help_names_the_manuals_page_that_explains_it(command):
    done = subprocess.run(
        [str(Path(sys.executable).parent / command), "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    named = re.findall(r"docs/([a-z0-9-]+)\.html", " ".join(done.stdout.split()))
    assert named, f"{command} --help names no page of the manual"
    slugs = {
        line.split(":", 1)[1].strip()
        for path in (DOCS / "content" / "pages").rglob("*.md")
        for line in path.read_text(encoding="utf-8").splitlines()[:8]
        if line.startswith("slug:")
    }
    assert set(named) <= slugs, f"{command} --help names {named}, not all pages of the manual"


def test_the_reference_command_answers_help_and_refuses_a_missing_folder(tmp_path):
    command = [sys.executable, "-m", "pelican.plugins.guide.reference"]
    shown = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert shown.returncode == 0 and "settings.md" in shown.stdout
    assert list(tmp_path.iterdir()) == []  # nothing written, no file named --help
    missing = subprocess.run(
        [*command, str(tmp_path / "nowhere")], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert missing.returncode == 2
    assert (
        missing.stderr
        == f"error: {tmp_path / 'nowhere'}: no such folder: expected the manual's settings chapter\n"
    )
    written = subprocess.run([*command, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert written.returncode == 0 and sorted(path.name for path in tmp_path.iterdir()) == [
        "pelican-settings.md",
        "settings.md",
    ]
