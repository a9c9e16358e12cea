"""What each URL answered, kept in CACHE_PATH across runs: a URL that answered OK in the
last GUIDE_LINKCHECK_CACHE_DAYS is not asked again; any other is.

The file is JSON lines, one per URL checked, appended and flushed as each answer comes: a
run killed midway loses nothing it had checked, and a line cut short by the kill is
skipped on reading; lines that are JSON but no entry of ours (`[]`, `null`, nesting deep
enough to exhaust the parser) are skipped too, with one warning, and the rest is used.
The last line for a URL wins; the file is rewritten whole (a temporary file, then a
rename) when stale lines outnumber the live ones. URLs are kept without their credentials
(`user:***@`): the file never holds a password.
"""

from __future__ import annotations

import json
import os
import tempfile
import time

from ..report import plural
from .untrusted import hide_credentials

NAME = "guide-linkcheck.jsonl"


class LinkCache:
    def __init__(self, folder: str, days: float, load: bool = True, now: float | None = None):
        self.path = os.path.join(os.path.abspath(folder), NAME)
        self.days = days
        self.now = time.time() if now is None else now
        self.entries: dict[str, dict] = {}
        self.lines = 0
        self.warnings: list[str] = []  # one line each for the author, when the cache could not be used
        self.handle = None
        self.writable = True
        if load:
            self._load()

    def _load(self) -> None:
        foreign = []  # line numbers of JSON that is no entry
        try:
            with open(self.path, encoding="utf-8") as stored:
                for number, line in enumerate(stored, start=1):
                    self.lines += 1
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue  # a line cut short by a killed run
                    except RecursionError:
                        entry = None
                    parsed = _entry(entry)
                    if parsed is None:
                        foreign.append(number)
                    else:
                        self.entries[parsed[0]] = parsed[1]
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as error:
            self.entries = {}
            why = f"{error.__class__.__name__}: {error}"
            self.warnings.append(
                f"{self.path}: the link cache could not be read ({why}); every URL is asked afresh"
            )
            return
        if foreign:
            which, verb = (
                (f"line {foreign[0]}", "holds") if len(foreign) == 1 else (f"from line {foreign[0]}", "hold")
            )
            self.warnings.append(
                f"{self.path}: {plural(len(foreign), 'line')} of the link cache ({which}) {verb} "
                "no answer the link checker wrote; skipped, and the rest is used"
            )

    def fresh(self, url: str, fragments: set[str]) -> bool:
        """Answered OK within the last `days`, with every fragment now linked found then."""
        entry = self.entries.get(hide_credentials(url))
        return bool(
            entry
            and entry["ok"]
            and self.days > 0
            and self.now - entry["at"] <= self.days * 86400
            and fragments <= set(entry["found"])
        )

    def record(self, url: str, ok: bool, found: set[str] = frozenset()) -> None:
        url = hide_credentials(url)
        at = time.time()
        self.entries[url] = {"at": at, "ok": ok, "found": sorted(found)}
        if not self.writable:
            return
        line = {"url": url, "at": round(at, 1), "ok": ok, **({"found": sorted(found)} if found else {})}
        try:
            if self.handle is None:
                os.makedirs(os.path.dirname(self.path), exist_ok=True)
                self.handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - open until close()
            self.handle.write(json.dumps(line) + "\n")
            self.handle.flush()  # in the file now, whatever happens to this run
            self.lines += 1
        except OSError as error:
            self.writable = False
            self.warnings.append(
                f"{self.path}: the link cache could not be written ({error}); this run's answers are not kept"
            )

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        if self.writable and self.lines > 2 * len(self.entries) + 1000:
            self._rewrite()

    def _rewrite(self) -> None:
        folder = os.path.dirname(self.path)
        try:
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".guide-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as written:
                for url, entry in self.entries.items():
                    written.write(json.dumps({"url": url, **entry}) + "\n")
            os.replace(temporary, self.path)
        except OSError:
            pass  # the appended file is still whole


def _entry(value) -> tuple[str, dict] | None:
    """(url, entry) of a line as `record` writes it, or None for JSON of another shape."""
    if not isinstance(value, dict):
        return None
    url, at, found = value.get("url"), value.get("at"), value.get("found", [])
    if (
        not isinstance(url, str)
        or not isinstance(at, (int, float))
        or isinstance(at, bool)
        or not isinstance(found, list)
        or not all(isinstance(name, str) for name in found)
    ):
        return None
    return url, {"at": float(at), "ok": value.get("ok") is True, "found": found}
