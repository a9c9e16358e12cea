"""The build's cache files, in CACHE_PATH: one format, one validity key, one memory policy.

Every cache file of the guide is a pickle of `(FORMAT, key, value)`: read whole or not at
all, written whole (a temporary file, then a rename, so a killed build never leaves half a
file). `key` is a digest of everything the value depends on, chosen by the caller: a file
whose key is not the one asked for describes something else (another configuration, another
site) and is simply not used. A file that cannot be used (empty, cut short, garbage, data of
another shape, a folder in its place) is one warning, and the build does that work afresh;
one that cannot be written is one warning, and the next build does the work again. Never a
traceback: a cache only saves time.

`resident` (the devserver): what a build saves stays in memory too, under its key, and the
next build of the process takes it from there instead of reading the file again.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from typing import Any

from .report import TRANSIENT, logger

FORMAT = 2  # of the files; a file of another format is another build's
# What the devserver's builds saved, by file: (key, value). One guide in memory at a time.
_resident: dict[str, tuple[str, Any]] = {}


class Cache:
    """One build's cache files in `folder` (None: no cache at all). `load` False (pelican
    --ignore-cache) reads none, though the build writes them all anew."""

    def __init__(self, folder: str | None, load: bool = True, resident: bool = False):
        self.folder = os.path.abspath(folder) if folder else None
        self.loading = load and self.folder is not None
        self.resident = resident
        self.warned: set[str] = set()

    def path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    def warn(self, path: str, message: str) -> None:
        """One warning per file and build: about this build's cache, not the guide."""
        if path not in self.warned:
            self.warned.add(path)
            logger.warning("%s: %s", path, message, extra={TRANSIENT: True})

    def load(self, name: str, key: str, kind: type, what: str, consequence: str):
        """The value of type `kind` saved under `key` in the file `name`; None when there is
        none, when it was saved under another key, or (with one warning) when it is damaged."""
        if not self.loading:
            return None
        path = self.path(name)
        held = _resident.get(path)
        if held is not None and held[0] == key:
            return held[1]
        try:
            with open(path, "rb") as stored:
                raw = stored.read()
        except FileNotFoundError:
            return None
        except OSError as problem:
            reason = "a folder is in its place" if os.path.isdir(path) else problem.strerror
            return self._unusable(path, what, reason, consequence)
        if not raw:
            return self._unusable(path, what, "it is empty", consequence)
        try:
            data = pickle.loads(raw)
        except Exception:  # noqa: BLE001 - any damage: unpickling can raise anything
            return self._unusable(path, what, "it is damaged", consequence)
        if not (isinstance(data, tuple) and len(data) == 3 and isinstance(data[1], str)):
            return self._unusable(path, what, "it holds data of another shape", consequence)
        found_format, found_key, value = data
        if found_format != FORMAT or found_key != key:
            return None  # another configuration's, or another site's: not this build's to use
        if not isinstance(value, kind):
            return self._unusable(path, what, "it holds data of another shape", consequence)
        return value

    def _unusable(self, path: str, what: str, reason: str, consequence: str) -> None:
        self.warn(path, f"the {what} cannot be read ({reason}); {consequence}")
        return

    def save(self, name: str, key: str, value: Any, what: str) -> bool:
        """Write the value whole under `key`, mending a damaged file; False, with one warning
        (none if the file was already warned about), when it cannot be written."""
        if self.folder is None:
            return False
        path = self.path(name)
        for other in [other for other in _resident if os.path.dirname(other) != self.folder]:
            del _resident[other]  # one guide in memory at a time
        if self.resident:
            _resident[path] = (key, value)
        else:
            _resident.pop(path, None)
        return self.write(
            path, lambda file: pickle.dump((FORMAT, key, value), file, protocol=pickle.HIGHEST_PROTOCOL), what
        )

    def write(self, path: str, data, what: str) -> bool:
        """`data` (bytes, or a function that writes into a file) into `path`, whole: a
        temporary file beside it, then a rename."""
        folder = os.path.dirname(path)
        temporary = None
        try:
            os.makedirs(folder, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".guide-", suffix=".tmp")
            with os.fdopen(handle, "wb") as written:
                written.write(data) if isinstance(data, bytes) else data(written)
            os.replace(temporary, path)
            return True
        except OSError as problem:
            reason = "a folder is in its place" if os.path.isdir(path) else problem.strerror or str(problem)
            self.warn(path, f"the {what} cannot be written ({reason}); the next build does its work again")
            return False
        finally:
            if temporary is not None and os.path.lexists(temporary):
                os.unlink(temporary)
