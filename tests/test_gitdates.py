""" "Last updated" from git: right, or left out with one warning saying why; never wrong."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import Guide

NAMES = {
    "plain.md": "2024-05-01T12:00:00Z",
    "café.md": "2024-06-02T12:00:00Z",
    "naïve page.md": "2024-07-03T12:00:00Z",
}


def git(root, *args, env=None):
    command = ["git", "-C", str(root), "-c", "user.name=T", "-c", "user.email=t@example.org", *args]
    return subprocess.run(command, check=True, capture_output=True, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    """A guide whose pages were committed one at a time, on three dates."""
    guide = Guide(tmp_path_factory.mktemp("repository"))
    git(guide.root, "init", "-q", "-b", "main")
    for number, (name, moment) in enumerate(NAMES.items()):
        guide.page(name, title=name, slug=f"p{number}", sortorder=f"010{number}")
        git(guide.root, "add", "content")
        git(
            guide.root,
            "commit",
            "-q",
            "-m",
            name,
            env={"GIT_COMMITTER_DATE": moment, "GIT_AUTHOR_DATE": moment},
        )
    return guide


def dates(result) -> dict[str, str | None]:
    found = {}
    for number in range(len(NAMES)):
        time = result.soup(f"p{number}.html").select_one(".page-meta time")
        found[f"p{number}"] = time["datetime"] if time else None
    return found


def test_every_committed_page_has_its_date_whatever_its_name(repository):
    result = repository.build()
    assert result.returncode == 0 and not result.warning_lines, result.stderr
    assert dates(result) == {
        f"p{n}": moment.replace("Z", "+00:00") for n, moment in enumerate(NAMES.values())
    }


def test_a_shallow_clone_leaves_the_dates_out_with_one_warning(repository, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repository.root}", str(clone)], check=True
    )
    result = Guide(clone).build()
    assert result.returncode == 0, result.stderr
    assert dates(result) == {f"p{n}": None for n in range(len(NAMES))}  # never the one commit's date for all
    assert result.warning_lines == [
        f'warning: {clone / "content"}: "Last updated" dates are left out: '
        "the repository is a shallow clone, so git knows only the latest commit's date "
        "(fetch the whole history: git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
    ]


RUNNER_UID = 1001  # the GitHub runner's user, who owns a container job's checkout


@pytest.fixture
def theirs(repository, tmp_path):
    """The repository, given to another user: a CI checkout that root builds, as GitHub's
    container jobs do."""
    if os.geteuid() != 0:
        pytest.skip("needs root, to give the repository to another user")
    other = tmp_path / "theirs"
    shutil.copytree(repository.root, other, symlinks=True)
    for folder, names, files in os.walk(other):
        for name in (*names, *files):
            os.lchown(os.path.join(folder, name), RUNNER_UID, RUNNER_UID)
    os.chown(other, RUNNER_UID, RUNNER_UID)
    return other


def refusal(other) -> str:
    return (
        f'{other / "content"}: "Last updated" dates are left out: git refuses to read the repository '
        f"{other}: it belongs to uid {RUNNER_UID}, not to you (uid 0), and its settings could run commands "
        f"as you. If you trust it: git config --global --add safe.directory {other}"
    )


def test_another_users_repository_leaves_the_dates_out_with_one_warning_naming_the_fix(theirs):
    result = Guide(theirs).build(env={"GIT_CONFIG_GLOBAL": os.devnull})  # no safe.directory of this machine's
    assert result.returncode == 0, result.stderr
    assert dates(result) == {f"p{n}": None for n in range(len(NAMES))}
    assert result.warning_lines == [f"warning: {refusal(theirs)}"]


def test_strict_mode_stops_on_it_and_names_the_fix(theirs):
    result = Guide(theirs).build(env={"GIT_CONFIG_GLOBAL": os.devnull}, options=("--strict",))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"warning: {refusal(theirs)}",
        "error: strict mode: 1 warning count as errors; nothing was written; "
        f"{theirs / 'output'} was left as it was",
    ]


def test_once_trusted_another_users_repository_gives_the_owners_dates(repository, theirs, tmp_path):
    """The fix the warning names, as the Pages workflow takes it: the same dates as the owner's."""
    trusted = tmp_path / "gitconfig"
    trusted.write_text(f"[safe]\n\tdirectory = {theirs}\n")
    owners = repository.build()
    result = Guide(theirs).build(env={"GIT_CONFIG_GLOBAL": str(trusted)}, options=("--strict",))
    assert result.returncode == 0, result.stderr
    expected = {f"p{n}": moment.replace("Z", "+00:00") for n, moment in enumerate(NAMES.values())}
    assert dates(result) == dates(owners) == expected


def test_the_log_is_read_as_git_writes_it_with_z():
    from pelican.plugins.guide.gitdates import parse_log

    out = (
        b"\x011700000300\x00\ncontent/caf\xc3\xa9.md\x00content/new\nline.md\x00"
        b"\x011700000200\x00\ncontent/plain.md\x00content/caf\xc3\xa9.md\x00"
    )
    assert parse_log(out) == {
        "content/café.md": 1700000300,
        "content/new\nline.md": 1700000300,
        "content/plain.md": 1700000200,
    }
