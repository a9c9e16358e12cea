"""When each page was last changed: one `git log` for the whole build, never one per page.

The answer depends only on the commit checked out, so the next build takes it from the
last one's values (lastbuild.py) while the commit is the same. Outside a git repository
there are no dates. Where git cannot give right dates, there are none either, and
`Repository.problem` says why, once: a shallow clone (every file would carry the date of
its one commit) or a repository git refuses to read.

git refuses a repository that belongs to another user (a CI checkout made by the runner's
user while the steps run as root, a colleague's folder): its settings can make git run
commands, as whoever runs git. Trusting it is the user's choice, so the build never
overrides it (no `-c safe.directory`): it leaves the dates out with one warning that names
the fix, and strict mode stops on it. A CI job that runs the checkout's own code trusts it
with one step, `git config --global --add safe.directory "$GITHUB_WORKSPACE"`, and then
gets the dates the owner gets.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from . import report


def _git(folder: str, *args: str) -> tuple[bool, bytes, str]:
    """(succeeded, stdout, what git said on stderr, on one line)."""
    try:
        done = subprocess.run(["git", "-C", folder, *args], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as problem:
        return False, b"", str(problem)
    complaint = " ".join(done.stderr.decode("utf-8", "replace").split())
    return done.returncode == 0, done.stdout, complaint.removeprefix("fatal: ")


@dataclass(frozen=True)
class Repository:
    top: str | None = None  # the work tree's top folder
    head: str | None = None
    problem: str | None = None  # why there are no dates, though the folder is in a repository


def _inside_repository(folder: str) -> bool:
    here = os.path.realpath(folder)
    while not os.path.exists(os.path.join(here, ".git")):  # no git run outside a repository
        if os.path.dirname(here) == here:
            return False
        here = os.path.dirname(here)
    return True


def repository(folder: str) -> Repository:
    """The repository holding `folder`, in one git run; an empty one outside any."""
    if not _inside_repository(folder):
        return Repository()
    ok, out, complaint = _git(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD")
    lines = os.fsdecode(out).splitlines()
    if not ok or len(lines) != 3:
        if "HEAD" in complaint or "unknown revision" in complaint:
            return Repository()  # a repository with no commit yet: nothing has a date
        return Repository(
            problem=_refused(complaint)
            or f"git cannot read the repository: {complaint or 'it gave no reason'}"
        )
    top, shallow, head = lines
    if shallow == "true":
        return Repository(
            top,
            head,
            "the repository is a shallow clone, so git knows only the latest commit's date "
            "(fetch the whole history: git fetch --unshallow, or fetch-depth: 0 in actions/checkout)",
        )
    return Repository(top, head)


def _refused(complaint: str) -> str | None:
    """git's "dubious ownership" refusal, said with whose the repository is and the fix."""
    found = re.search(r"dubious ownership in repository at '(.+?)'", complaint)
    if found is None:
        return None
    top = found.group(1)
    try:
        owner = f"uid {os.stat(top).st_uid}"
    except OSError:
        owner = "another user"
    return (
        f"git refuses to read the repository {top}: it belongs to {owner}, not to you (uid {os.geteuid()}), "
        f"and its settings could run commands as you. If you trust it: "
        f"git config --global --add safe.directory {shlex.quote(top)}"
    )


def parse_log(out: bytes) -> dict[str, int]:
    """`git log -z --format=%x01%ct --name-only` -> each path's newest commit time. With -z,
    names are NUL-ended and never quoted (café.md stays café.md)."""
    stamps: dict[str, int] = {}
    moment = 0
    for token in os.fsdecode(out).split("\0"):
        if token.startswith("\n"):  # the line end between a commit's time and its first name
            token = token[1:]
        if token.startswith("\x01"):
            moment = int(token[1:])
        elif token and token not in stamps:
            stamps[token] = moment  # the log is newest first
    return stamps


@dataclass(frozen=True)
class Dates:
    """What `git log` said of the content folder at one commit: each file's last change."""

    folder: str
    head: str
    stamps: dict[str, int]  # path in the repository -> the time of the last commit touching it


def last_commit_dates(folder: str, where: Repository, known: Dates | None = None) -> Dates | None:
    """The last commit of each file under `folder` (`known`: the last build's, used when
    it is of the same folder and commit); None outside a repository that gives dates."""
    if not where.top or not where.head or where.problem:
        return None
    folder = os.path.realpath(folder)
    if known is not None and (known.folder, known.head) == (folder, where.head):
        return known
    ok, out, _ = _git(
        where.top,
        "-c",
        "core.quotePath=false",
        "log",
        "-z",
        "--format=%x01%ct",
        "--name-only",
        "--no-renames",
        "--",
        os.path.relpath(folder, where.top),
    )
    return Dates(folder, where.head, parse_log(out) if ok else {})


def page_dates(settings, config, pages, known: Dates | None) -> Dates | None:
    """Each page's "Last updated" date (never later than SOURCE_DATE_EPOCH) and "Edit this
    page" link; the dates, for the next build."""
    where = repository(settings["PATH"])
    if where.problem:
        report.warning(settings["PATH"], f'"Last updated" dates are left out: {where.problem}')
    dates = last_commit_dates(settings["PATH"], where, known)
    latest = source_date_epoch()
    top = where.top
    folders: dict[str, str] = {}  # each folder's real path, worked out once
    for page in pages.every:
        real = _real_path(page.source_path, folders)
        moment = dates.stamps.get(os.path.relpath(real, top)) if dates and top else None
        updated = datetime.fromtimestamp(moment, tz=UTC) if moment is not None else None
        page.updated = min(updated, latest) if updated and latest else updated
        if config.source_url:
            relative = os.path.relpath(real, top or os.path.realpath(settings["PATH"]))
            page.edit_url = edit_address(config.source_url, relative)
        else:
            page.edit_url = None
    return dates


def _real_path(path: str, folders: dict[str, str]) -> str:
    """os.path.realpath(path), its folder's worked out once for all the files in it."""
    folder, name = os.path.split(path)
    if folder not in folders:
        folders[folder] = os.path.realpath(folder)
    return os.path.realpath(path) if os.path.islink(path) else os.path.join(folders[folder], name)


def edit_address(source_url: str, relative: str) -> str:
    """A page's "Edit this page" address: GUIDE_SOURCE_URL and the file's path in the
    repository, each segment percent-encoded (a `#`, `?`, `&` or space in a file name is
    part of the name, not of the address)."""
    return source_url + "/".join(quote(segment, safe="") for segment in relative.split(os.sep))


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): no date written may be later."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    if not value.strip().isdigit():
        from .errors import GuideSettingsError

        raise GuideSettingsError(
            f"SOURCE_DATE_EPOCH {value!r} must be whole seconds since 1970, like 1700000000"
        )
    return datetime.fromtimestamp(int(value), tz=UTC)
