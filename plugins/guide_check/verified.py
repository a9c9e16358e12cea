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

from . import checks, site

_FILE_NAME = "guide_check_verified.json"


def _code_digest() -> str:
    code = hashlib.sha256()
    for module in (checks, site, guide_navigation.tree):
        code.update(Path(module.__file__).read_bytes())
    return code.hexdigest()


def site_key(siteurl: str, files: frozenset[str]) -> str:
    key = hashlib.sha256()
    for part in (_code_digest(), siteurl, *sorted(files)):
        key.update(part.encode("utf-8") + b"\0")
    return key.hexdigest()


class VerifiedPages:
    def __init__(self, path: str | None, stored_site: str | None, digests: dict[str, str]):
        self._path = path
        self.stored_site = stored_site  # the site key the stored digests hold for
        self._digests = digests

    @classmethod
    def load(cls, settings) -> "VerifiedPages":
        path = None
        if settings.get("CACHE_CONTENT") and settings.get("CACHE_PATH"):
            path = os.path.join(settings["CACHE_PATH"], _FILE_NAME)
        stored_site, digests = None, {}
        if path and settings.get("LOAD_CONTENT_CACHE", True):
            try:
                with open(path, encoding="utf-8") as stored:
                    data = json.load(stored)
                stored_site, digests = data["site"], dict(data["pages"])
            except (OSError, ValueError, KeyError, TypeError):
                stored_site, digests = None, {}  # none yet, or unreadable: check everything
        return cls(path, stored_site, digests)

    @staticmethod
    def digest(path: str, html: str, expectation_key: str) -> str:
        return hashlib.sha256(f"{path}\0{expectation_key}\0{html}".encode("utf-8")).hexdigest()

    def has_pages(self) -> bool:
        return bool(self._digests)

    def passed_before(self, path: str, digest: str) -> bool:
        """Whether this exact page passed in the last build (valid if the site key matches)."""
        return self._digests.get(path) == digest

    def save(self, site: str, passed: dict[str, str]) -> None:
        """Only this build's passing pages are kept: a page that failed is checked again."""
        if not self._path:
            return
        os.makedirs(os.path.dirname(self._path), exist_ok=True)
        temporary = self._path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as stored:
            json.dump({"site": site, "pages": passed}, stored)
        os.replace(temporary, self._path)
