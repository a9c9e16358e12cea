"""The one date a reproducible build may print: SOURCE_DATE_EPOCH, else the git commit date."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone


class SourceDateError(Exception):
    exitcode = 1


def source_date(folder: str) -> datetime | None:
    """When the sources were last changed, never when they were built.

    SOURCE_DATE_EPOCH (reproducible-builds.org) wins; otherwise the date of the commit
    checked out in `folder`; None outside a git repository.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not value.strip().isdigit():
            raise SourceDateError(
                f"SOURCE_DATE_EPOCH {value!r} must be whole seconds since 1970, like 1700000000"
            )
        return datetime.fromtimestamp(int(value), tz=timezone.utc)
    try:
        done = subprocess.run(
            ["git", "-C", folder, "log", "-1", "--format=%ct"],
            capture_output=True, text=True, timeout=30, check=False,
        )
    except OSError:  # no git on this machine
        return None
    stamp = done.stdout.strip()
    if done.returncode != 0 or not stamp.isdigit():
        return None
    return datetime.fromtimestamp(int(stamp), tz=timezone.utc)
