"""The pages of the real site, and where the reader tests keep what they measured (for the README).

The pages are worked out from the settings and the content, never listed by hand: every
template of pelicanconf.py's DIRECT_TEMPLATES, the search page when search is on, the home
page (index.html) and every page of the content folder at its PAGE_SAVE_AS.
`test_reader_html.py` proves the list is the built site's (every .html file that is not a
redirect).
"""

from __future__ import annotations

import json
import runpy

from tools import REPO

CONFFILE = REPO / "pelicanconf.py"
SEARCH_PAGE = "search.html"
ARTIFACTS = REPO / "tests" / "artifacts"  # ignored by git
FIGURES = ARTIFACTS / "reader-figures.json"
PAGE_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


def metadata(path) -> dict[str, str]:
    """A page's metadata lines (`key: value`, up to the first blank line), keys lowercased."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        found[key.strip().lower()] = value.strip()
    return found


def site_pages(conffile=CONFFILE) -> list[str]:
    settings = runpy.run_path(str(conffile))
    names = [settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html") for name in settings["DIRECT_TEMPLATES"]]
    if settings.get("GUIDE_SEARCH", True):
        names.append(SEARCH_PAGE)
    if "print" in settings.get("GUIDE_EDITIONS", ()):
        names.append("print.html")  # the print edition (editions/printed.py)
    content = conffile.parent / settings["PATH"]
    for folder in settings["PAGE_PATHS"]:
        for path in sorted((content / folder).rglob("*")):
            if path.suffix.lower() in PAGE_EXTENSIONS:
                page = metadata(path)
                if page.get("status", "published").lower() != "draft":
                    names.append(settings["PAGE_SAVE_AS"].format(slug=page["slug"]))
    # The home page: the page with slug index, or the theme's own.
    return sorted({*names, "index.html"})


def built_pages(output) -> list[str]:
    """Every HTML page of a built site, redirects (a <meta http-equiv="refresh">) left out."""
    return sorted(
        path.relative_to(output).as_posix()
        for path in output.rglob("*.html")
        if 'http-equiv="refresh"' not in path.read_text(encoding="utf-8")
    )


PAGES = site_pages()


def record(key: str, value) -> None:
    """Keep a measured figure in the artifacts; test processes running side by side (make
    test runs two) take turns with the file, each writing it whole."""
    import fcntl
    import os

    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / ".figures.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
        figures[key] = value
        temporary = FIGURES.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
        os.replace(temporary, FIGURES)
