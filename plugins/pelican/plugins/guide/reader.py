"""The guide's Markdown reader: Pelican asks it for each page; it answers from the build's
`Reading` (reading.py) and reports that page's notes, on every build, cached or not."""

from __future__ import annotations

from typing import ClassVar

from pelican.readers import BaseReader

from . import report
from .state import state_of

EXTENSIONS = ("md", "markdown", "mkd", "mdown")


class GuideMarkdownReader(BaseReader):
    enabled = True
    # None here: Pelican gives every subclass of BaseReader it can see its file extensions,
    # in every site, once the module is imported (and Pelican imports every installed
    # namespace plugin). The guide's sites get this reader from readers_init instead.
    file_extensions: ClassVar[list[str]] = []

    def read(self, source_path):
        state = state_of(self.settings)
        if state.reading is None:  # a Markdown file read outside the pages (never, with PAGE_PATHS)
            from .reading import Reading

            state.reading = Reading(self.settings, state.config)
        result = state.reading.get(source_path)
        for note in result.notes:
            (report.error if note.level == "error" else report.warning)(source_path, note.message, page=True)
        if not result.usable:
            return "", {"status": "skip"}  # reported above; Pelican passes over it quietly
        return result.html, dict(result.metadata)
