"""How the build writes files, for the writer, the search index and the static files: the
site's stamp, hard links from the previous site, atomic replacements."""

from __future__ import annotations

import json
import os
import shutil
import tempfile

STAMP = ".guide-site"  # in every site the build writes: its build id
PREVIOUS_SITE = "guide_previous_site"  # set by the staged build: the live site to link from
# Set by the devserver: what a build read and worked out stays in memory for the next one.
# A single build lets go of it as soon as it is saved, so it never holds a guide twice.
RESIDENT = "guide_resident"


def read_stamp(folder: str) -> str | None:
    try:
        with open(os.path.join(folder, STAMP), encoding="utf-8") as stamp:
            return json.load(stamp)["build"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_stamp(folder: str, build_id: str) -> None:
    with open(os.path.join(folder, STAMP), "w", encoding="utf-8") as stamp:
        json.dump({"build": build_id, "made_by": "pelican.plugins.guide"}, stamp)


def link_or_copy(source: str, target: str) -> None:
    """`target` as the same file as `source` (a hard link: the sites never write into a
    file), or a copy where the file system has no hard links. FileNotFoundError if no source."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copy2(source, target)


def write_atomically(path: str, data: str | bytes) -> None:
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".guide-", suffix=".tmp")
    with os.fdopen(handle, "wb") as written:
        written.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
