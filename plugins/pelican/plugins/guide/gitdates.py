"""When each page was last changed: one `git log` for the whole build, never one per page.

The answer depends only on the commit checked out, so it is kept in the cache folder
under that commit's id. Outside a git repository there are no dates.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timezone

from .digests import digest


def _git(folder: str, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", folder, *args], capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def repository_root(folder: str) -> str | None:
    here = os.path.realpath(folder)
    while not os.path.exists(os.path.join(here, ".git")):  # no git run outside a repository
        if os.path.dirname(here) == here:
            return None
        here = os.path.dirname(here)
    top = _git(folder, "rev-parse", "--show-toplevel")
    return top.strip() if top else None


def head_commit(folder: str) -> str | None:
    """The commit checked out in the repository holding `folder`, or None."""
    if not repository_root(folder):
        return None
    head = _git(folder, "rev-parse", "HEAD")
    return head.strip() if head else None


def last_commit_dates(folder: str, cache_folder: str | None) -> dict[str, datetime]:
    """Absolute path of each file under `folder` -> the date of the last commit touching it."""
    folder = os.path.realpath(folder)
    top = repository_root(folder)
    head = _git(folder, "rev-parse", "HEAD") if top else None
    if not top or not head:
        return {}
    cache = os.path.join(cache_folder, f"guide-git-{digest(folder, head.strip())}.json") if cache_folder else None
    stamps = None
    if cache:
        try:
            with open(cache, encoding="utf-8") as stored:
                stamps = json.load(stored)
        except (OSError, ValueError):
            stamps = None
    if stamps is None:
        log = _git(top, "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", os.path.relpath(folder, top)) or ""
        stamps = {}
        moment = 0
        for line in log.splitlines():
            if line.startswith("\0"):
                moment = int(line[1:])
            elif line and line not in stamps:
                stamps[line] = moment  # the log is newest first
        if cache:
            os.makedirs(cache_folder, exist_ok=True)
            temporary = f"{cache}.{os.getpid()}.tmp"
            with open(temporary, "w", encoding="utf-8") as stored:
                json.dump(stamps, stored)
            os.replace(temporary, cache)
    return {os.path.join(top, name): datetime.fromtimestamp(moment, tz=timezone.utc) for name, moment in stamps.items()}


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): no date written may be later."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    if not value.strip().isdigit():
        from .errors import GuideSettingsError

        raise GuideSettingsError(f"SOURCE_DATE_EPOCH {value!r} must be whole seconds since 1970, like 1700000000")
    return datetime.fromtimestamp(int(value), tz=timezone.utc)
