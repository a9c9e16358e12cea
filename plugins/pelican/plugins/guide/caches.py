"""The build's cache files (in CACHE_PATH): each read whole or not at all, written whole.

A cache file that cannot be used (empty, cut short, garbage, data of another shape, a
folder in its place) is one warning, and the build does that work afresh; one that cannot
be written is one warning, and the next build does the work again. Never a traceback:
a cache only saves time.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from collections.abc import Callable
from typing import Any

from .report import TRANSIENT, logger


class CacheFiles:
    """One build's cache files: what was warned about, so each file warns at most once."""

    def __init__(self):
        self.warned: set[str] = set()

    def warn(self, path: str, message: str) -> None:
        if path not in self.warned:
            self.warned.add(path)
            # About this build's cache, not the guide: a quick build never says it again.
            logger.warning("%s: %s", path, message, extra={TRANSIENT: True})

    def load(
        self, path: str, what: str, valid: Callable[[Any], bool], consequence: str, *, binary: bool = False
    ):
        """The data stored at `path`; None when there is none, or (with one warning) when it
        cannot be used."""
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
            data = pickle.loads(raw) if binary else json.loads(raw.decode("utf-8"))
        except Exception:  # noqa: BLE001 - any damage: unpickling can raise anything
            return self._unusable(path, what, "it is damaged", consequence)
        try:
            ok = valid(data)
        except Exception:  # noqa: BLE001 - a shape the check did not foresee
            ok = False
        if not ok:
            return self._unusable(path, what, "it holds data of another shape", consequence)
        return data

    def _unusable(self, path: str, what: str, reason: str, consequence: str) -> None:
        self.warn(path, f"the {what} cannot be read ({reason}); {consequence}")
        return

    def save(self, path: str, what: str, data: Any, *, binary: bool = False) -> bool:
        """Write `data` whole (a temporary file, then a rename), mending a damaged file;
        False, with one warning (none if the file was already warned about), when it
        cannot be written."""
        folder = os.path.dirname(path)
        temporary = None
        try:
            os.makedirs(folder, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".guide-", suffix=".tmp")
            with os.fdopen(handle, "wb") as written:
                if binary:
                    pickle.dump(data, written, protocol=pickle.HIGHEST_PROTOCOL)
                else:
                    written.write(json.dumps(data).encode("utf-8"))
            os.replace(temporary, path)
            return True
        except OSError as problem:
            reason = "a folder is in its place" if os.path.isdir(path) else problem.strerror or str(problem)
            self.warn(path, f"the {what} cannot be written ({reason}); the next build does its work again")
            return False
        finally:
            if temporary is not None and os.path.lexists(temporary):
                os.unlink(temporary)


def is_dict_of(data, key_type, check: Callable[[Any], bool]) -> bool:
    return isinstance(data, dict) and all(
        isinstance(key, key_type) and check(value) for key, value in data.items()
    )
