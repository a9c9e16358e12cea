"""What a build leaves for the next quick build (quick.py): the few facts about every page
and file that a rebuild after a body edit needs without reading the guide again.

One pickle per output folder in the cache folder, written whole (a temporary file, then
a rename) after the site is stamped, and kept in memory too for the devserver's next
build. It describes one site, by that site's build id: any other site there, or a
damaged file, and the next build is a full one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from .digests import digest

# The snapshots this process has written or read, by file: a devserver's next build
# finds the last one in memory.
_resident: dict[str, Snapshot] = {}


@dataclass
class PageRecord:
    """A page not read again: what the check knows of it (`facts`), and the rest of what
    the sidebar, the pager and llms.txt read of it."""

    facts: Any  # check.Facts
    source_path: str
    sortorder: Any  # fields.SortOrder
    markdown_url: str | None
    identity: str  # every typed field but the body's (description, headings), digested
    updated: Any  # the last commit's date, or None
    edit_url: str | None

    title = property(lambda self: self.facts.title)
    slug = property(lambda self: self.facts.slug)
    toc = property(lambda self: self.facts.toc)
    sidebartitle = property(lambda self: self.facts.sidebartitle)
    url = property(lambda self: self.facts.url)
    save_as = property(lambda self: self.facts.save_as)
    description = property(lambda self: self.facts.description)
    listed = property(lambda self: self.facts.listed)


@dataclass
class Snapshot:
    build: str  # the build id of the site it describes (files.STAMP)
    global_key: str  # writer.global_key: the code, the theme, the settings
    head: str | None  # the git commit the page dates come from
    latest: str | None  # SOURCE_DATE_EPOCH, which clamps them
    content: dict[str, tuple]  # every file of the content folder: relative path -> stamp
    records: dict[str, PageRecord]  # by source path
    keys: dict[str, str]  # every file's writer key
    files: frozenset  # every site path the build writes (links.LinkSettler)
    sources: dict[str, str]  # content path of each page's source -> its site path
    theme_pages: list[str]
    redirects: dict[str, str]
    reported: set  # (file, target) the links step warned about
    context: frozenset  # the names of the variables the templates were given
    lines: list[tuple] = field(
        default_factory=list
    )  # its warnings: (level, line, the page's source as shown)
    sent: dict = field(default_factory=dict)  # source -> the messages of its links to the complete guide
    articles: dict = field(default_factory=dict)  # each listed page's writer.article_key, by site path


def record_of(page, facts) -> PageRecord:
    return PageRecord(
        facts,
        page.source_path,
        page.sortorder,
        page.markdown_url,
        identity(page.metadata),
        page.updated,
        page.edit_url,
    )


def identity(metadata: dict) -> str:
    """The typed fields a quick build may not change: all but those the body gives."""
    return digest(
        repr(
            sorted((key, value) for key, value in metadata.items() if key not in ("description", "headings"))
        )
    )


def content_stamps(folder: str, ignored) -> dict[str, tuple]:
    """Every file under `folder` that Pelican does not ignore (IGNORE_FILES, matched on
    names as Pelican does), by relative path, with its modification time and size."""
    import fnmatch

    found = {}
    for directory, folders, names in os.walk(folder, followlinks=True):
        folders[:] = [
            name for name in folders if not any(fnmatch.fnmatch(name, pattern) for pattern in ignored)
        ]
        for name in names:
            if any(fnmatch.fnmatch(name, pattern) for pattern in ignored):
                continue
            path = os.path.join(directory, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            found[os.path.relpath(path, folder)] = (info.st_mtime_ns, info.st_size)
    return found


def path_for(cache_folder: str, output: str) -> str:
    return os.path.join(
        os.path.abspath(cache_folder), f"guide-quick-{digest(os.path.realpath(output))}.pickle"
    )


def save(path: str, snapshot: Snapshot, caches, resident: bool = False) -> None:
    """Write the snapshot whole; `resident` (the devserver) keeps it in memory too."""
    _resident.clear()  # one guide in memory at a time
    if resident:
        _resident[path] = snapshot
    caches.save(path, "quick build's snapshot", snapshot, binary=True)


def load(path: str, caches) -> Snapshot | None:
    """The snapshot, or None when there is none or (with one warning) it cannot be read:
    the next build is a full one, which writes it anew."""
    resident = _resident.get(path)
    if resident is not None:
        return resident
    return caches.load(
        path, "quick build's snapshot", lambda data: isinstance(data, Snapshot), "a full build", binary=True
    )
