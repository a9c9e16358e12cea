"""How the build writes files, for the writer, the search index and the static files: the
site's stamp, hard links from the previous site, atomic replacements."""

from __future__ import annotations

import contextlib
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


def write_atomically(path: str, data: str | bytes, prefix: str = ".guide-") -> None:
    """`path` holds `data` whole, or, when writing fails (a full disk), is as it was."""
    _write_whole(path, data, os.replace, prefix)


def write_new(path: str, data: str | bytes, prefix: str = ".guide-") -> None:
    """A new file holding `data` whole, or none at all; FileExistsError if `path` exists
    (a link to anything included), which is then left as it is."""
    _write_whole(path, data, os.link, prefix)


def _write_whole(path: str, data: str | bytes, put, prefix: str) -> None:
    """`data` into a temporary file beside `path` (named with `prefix`), then
    `put(temporary, path)`; the temporary file is removed whatever happens."""
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as written:
            written.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, 0o644)
        put(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)  # after a rename, already gone
