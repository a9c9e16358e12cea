"""What each URL answered, kept in CACHE_PATH across runs: a URL that answered OK in the
last GUIDE_LINKCHECK_CACHE_DAYS is not asked again; any other is.

The file is JSON lines, one per URL checked, appended and flushed as each answer comes: a
run killed midway loses nothing it had checked, and a line cut short by the kill is
skipped on reading. The last line for a URL wins; the file is rewritten whole (a
temporary file, then a rename) when stale lines outnumber the live ones.
"""

from __future__ import annotations

import json
import os
import tempfile
import time

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
        try:
            with open(self.path, encoding="utf-8") as stored:
                for line in stored:
                    self.lines += 1
                    try:
                        entry = json.loads(line)
                        found = list(entry.get("found", ()))
                        self.entries[entry["url"]] = {
                            "at": float(entry["at"]),
                            "ok": entry["ok"] is True,
                            "found": found,
                        }
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by a killed run, or not ours
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as error:
            self.entries = {}
            why = f"{error.__class__.__name__}: {error}"
            self.warnings.append(
                f"{self.path}: the link cache could not be read ({why}); every URL is asked afresh"
            )

    def fresh(self, url: str, fragments: set[str]) -> bool:
        """Answered OK within the last `days`, with every fragment now linked found then."""
        entry = self.entries.get(url)
        return bool(
            entry
            and entry["ok"]
            and self.days > 0
            and self.now - entry["at"] <= self.days * 86400
            and fragments <= set(entry["found"])
        )

    def record(self, url: str, ok: bool, found: set[str] = frozenset()) -> None:
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
