"""The real site's pages, and where the reader tests keep what they measured (for the README)."""

from __future__ import annotations

import json

from tools import REPO

PAGES = ["servers.html", "index.html", "table-of-contents.html", "404.html"]
ARTIFACTS = REPO / "tests" / "artifacts"  # ignored by git
FIGURES = ARTIFACTS / "reader-figures.json"


def record(key: str, value) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    figures[key] = value
    FIGURES.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
