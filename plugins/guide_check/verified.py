"""Pages that already passed the check, so a rebuild re-checks only what changed.

The check is a pure function of a page's HTML, its expectations, the site's URL,
the set of written files and the code that checks and that makes the expectations.
A page whose digest of all of these matches one that passed before would pass
again; any difference (a changed page or sidebar, a new or missing file anywhere,
a new version of the check or of the navigation plugin) checks it anew.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import guide_navigation.tree

from . import checks, plugin

_FILE_NAME = "guide_check_verified.json"


def _code_digest() -> str:
    code = hashlib.sha256()
    for module in (checks, plugin, guide_navigation.tree):
        code.update(Path(module.__file__).read_bytes())
    return code.hexdigest()


class VerifiedPages:
    def __init__(self, path: str | None, site_key: str, digests: dict[str, str]):
        self._path = path
        self._site_key = site_key
        self._digests = digests
        self._fresh: dict[str, str] = {}

    @classmethod
    def load(cls, settings, files: frozenset[str]) -> "VerifiedPages":
        site = hashlib.sha256()
        for part in (_code_digest(), settings.get("SITEURL", ""), *sorted(files)):
            site.update(part.encode("utf-8") + b"\0")
        site_key = site.hexdigest()
        path = None
        if settings.get("CACHE_CONTENT") and settings.get("CACHE_PATH"):
            path = os.path.join(settings["CACHE_PATH"], _FILE_NAME)
        digests = {}
        if path and settings.get("LOAD_CONTENT_CACHE", True):
            try:
                with open(path, encoding="utf-8") as stored:
                    data = json.load(stored)
                if data.get("site") == site_key:
                    digests = data.get("pages", {})
            except (OSError, ValueError, AttributeError):
                digests = {}  # no cache, or one from another version: check everything
        return cls(path, site_key, digests)

    @staticmethod
    def _digest(path: str, html: str, expectation_key: str) -> str:
        return hashlib.sha256(f"{path}\0{expectation_key}\0{html}".encode("utf-8")).hexdigest()

    def passed(self, path: str, html: str, expectation_key: str) -> bool:
        digest = self._digest(path, html, expectation_key)
        if self._digests.get(path) == digest:
            self._fresh[path] = digest
            return True
        return False

    def record(self, path: str, html: str, expectation_key: str) -> None:
        self._fresh[path] = self._digest(path, html, expectation_key)

    def save(self) -> None:
        """Only this build's passing pages are kept: a page that failed is checked again."""
        if not self._path:
            return
        os.makedirs(os.path.dirname(self._path), exist_ok=True)
        temporary = self._path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as stored:
            json.dump({"site": self._site_key, "pages": self._fresh}, stored)
        os.replace(temporary, self._path)
