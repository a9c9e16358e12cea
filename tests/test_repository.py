"""The repository holds only source: no file over 1 MB, and what the builds and the tests
write lands where git ignores it (conftest.py checks the test run itself as it ends)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, project_files, repo_git, untracked

VENV = Path(sys.executable).parent.parent
GIT_IDENTITY = ["-c", "user.name=T", "-c", "user.email=t@example.org"]
LIMIT = 1_000_000


def test_no_tracked_file_is_over_a_megabyte():
    tracked = [name for name in repo_git("ls-files", "-z").decode().split("\0") if name]
    sizes = {name: (REPO / name).stat().st_size for name in tracked if (REPO / name).is_file()}
    assert len(sizes) > 100
    assert {name: size for name, size in sizes.items() if size > LIMIT} == {}


def fresh_clone(folder: Path) -> Path:
    """What a clone of a commit of this checkout made now holds: its files, committed."""
    for name in project_files():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes((REPO / name).read_bytes())
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Fresh"]):
        subprocess.run(["git", *GIT_IDENTITY, *command], cwd=folder, check=True, capture_output=True)
    return folder


def test_make_html_and_make_docs_in_a_fresh_clone_leave_git_status_empty(tmp_path):
    clone = fresh_clone(tmp_path / "clone")
    for target in ("html", "docs"):
        # This run's venv, as it is: -o tells make not to reinstall it for the clone's files.
        done = subprocess.run(
            ["make", "--no-print-directory", "-o", f"{VENV}/.installed", target, f"VENV={VENV}"],
            cwd=clone,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True)
    assert status.stdout == ""
    ignored = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=clone, capture_output=True, text=True
    ).stdout.split("\n")
    assert {"!! .cache/", "!! output/", "!! docs/output/"} <= set(ignored)  # the builds did write


def test_the_check_names_a_file_left_in_the_checkout():
    """The end-of-run check's own question, asked after a file was left where git sees it."""
    left = REPO / "left-by-a-test.txt"
    before = untracked()
    left.write_text("not source\n")
    try:
        assert untracked() - before == {"left-by-a-test.txt"}
    finally:
        left.unlink()
    assert untracked() == before
