"""The guide's Markdown reader: Pelican asks it for each page its content cache cannot
answer; it answers with what reading.py read up front, the page's notes in its metadata
(`guide_notes`), so that they travel with the page into Pelican's cache and are reported
on every build (pages.py), whichever way the page came."""

from __future__ import annotations

from typing import ClassVar

from pelican.readers import BaseReader

from .reading import EXTENSIONS, reader_for
from .run import run_of

NOTES = "guide_notes"  # a page's metadata: its notes, as reading found them


class GuideMarkdownReader(BaseReader):
    enabled = True
    # None here: Pelican gives every subclass of BaseReader it can see its file extensions,
    # in every site, once the module is imported (and Pelican imports every installed
    # namespace plugin). The guide's sites get this reader from readers_init instead.
    file_extensions: ClassVar[list[str]] = []

    def read(self, source_path):
        run = run_of(self.settings)
        result = run.reads.get(source_path)
        if result is None:  # a Markdown file Pelican reads besides the pages read up front
            result = run.reads[source_path] = reader_for(self.settings, run.config).read(source_path)
        if not result.usable:
            return "", {"status": "skip"}  # its notes are reported with the others (pages.py)
        return result.html, {**result.metadata, NOTES: result.notes}


__all__ = ["EXTENSIONS", "NOTES", "GuideMarkdownReader"]
