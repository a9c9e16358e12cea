"""Which Markdown file each written page came from: the build leaves a map in CACHE_PATH
(by the output folder and its build id), so the report can name the file an author edits."""

from __future__ import annotations

import json
import os

from ..digests import digest
from ..writer import read_stamp


def map_path(cache_path: str, output: str) -> str:
    return os.path.join(os.path.abspath(cache_path), f"guide-sources-{digest(os.path.realpath(output))}.json")


def save_page_sources(caches, cache_path: str, output: str, build_id: str, pages) -> None:
    """After a build has stamped the site that becomes `output` with `build_id`: each
    page's file name and its source path."""
    data = {"build": build_id, "pages": {page.save_as: os.path.abspath(page.source_path) for page in pages}}
    caches.save(map_path(cache_path, output), "record of each page's source", data)


def load_page_sources(cache_path: str, output: str) -> dict[str, str] | None:
    """The map for the site now in `output`; None when there is none or it describes
    another build of it."""
    try:
        with open(map_path(cache_path, output), encoding="utf-8") as stored:
            data = json.load(stored)
        if data["build"] != read_stamp(output) or not isinstance(data["pages"], dict):
            return None
        return data["pages"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
