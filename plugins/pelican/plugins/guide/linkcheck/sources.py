"""Which Markdown file each written page came from: the build that wrote the site keeps it
among what it leaves for the next build (lastbuild.py), so the report can name the file an
author edits."""

from __future__ import annotations

from ..caches import Cache
from ..lastbuild import load


def load_page_sources(cache_path: str, output: str) -> dict[str, str] | None:
    """Each page of the site now in `output` and its source; None when the build that wrote
    it left no record of them (another build since, or no cache)."""
    last = load(Cache(cache_path), output)
    return dict(last.sources) if last is not None else None
