"""Pelican's own content cache, which keeps each page as Pelican made it: a build makes again
only the pages whose files changed, and takes the rest from there (Pelican's
`get_cached_data`, at its generator layer). It is where a build's unchanged pages come from.

The guide turns it on with GUIDE_CACHE (CACHE_CONTENT, CONTENT_CACHING_LAYER = "generator",
uncompressed: GZIP_CACHE = False, since Pelican writes it whole on every build) and keeps it
valid. Pelican checks each file's time itself; beside its files the guide records a digest
of everything else a page is made from (the settings that reach a page as it is read, the
theme's ids, this plugin's code), and the size and time of each of Pelican's files as
Pelican left them. Before Pelican loads them (`guard`), a file left under another digest is
removed quietly (another configuration's), and a file that is not as Pelican left it (cut
short, changed, a folder in its place) is removed with one warning: Pelican would stop on
some of those with a traceback. A page taken from the cache is given this build's settings
and context (`refresh`): Pelican keeps those of the build that read it, and links the page's
placeholders against them.

Pelican also remembers, for the life of the process, each page whose content or summary it
gave (`get_content` and `get_summary` are `pelican.utils.memoized`), and with the page its
context: the whole build. The devserver lets go of them between saves (`let_go`).

What of Pelican this relies on, pinned by tests/test_pelican_contract.py: the files are
named after the caching generators' classes, in CACHE_PATH; a generator loads its file after
`generator_init` and has saved it by `page_generator_finalized`; a content object keeps its
context in `_context`; `memoized` keeps its values in the dict its `cache` attribute holds.
"""

from __future__ import annotations

import os
import pickle
import shutil

from .caches import Cache
from .digests import code_digest, digest, settings_digest
from .theme import theme_ids

FILES = ("ArticlesGenerator", "PagesGenerator")  # Pelican's files, one per caching generator
RECORD = "guide-content-cache.pickle"
# The guide's settings that reach a page as it is read (reading.py); the others are read by
# the steps after it, which run on every build.
READING_SETTINGS = ("GUIDE_SECTIONS", "GUIDE_METADATA_OVERRIDES", "GUIDE_IMAGE_HOSTS")
# Pelican's settings that only templates and writers read: a change of one renders the site
# again, and reads no page again.
RENDERING_SETTINGS = frozenset(
    {
        "SITENAME",
        "SITESUBTITLE",
        "SITEURL",
        "RELATIVE_URLS",
        "THEME",
        "THEME_STATIC_DIR",
        "THEME_STATIC_PATHS",
        "THEME_TEMPLATES_OVERRIDES",
        "DIRECT_TEMPLATES",
        "PAGINATED_TEMPLATES",
        "JINJA_ENVIRONMENT",
        "JINJA_FILTERS",
        "JINJA_GLOBALS",
        "JINJA_TESTS",
        "MENUITEMS",
        "LINKS",
        "SOCIAL",
        "DISPLAY_PAGES_ON_MENU",
        "DISPLAY_CATEGORIES_ON_MENU",
        "OUTPUT_RETENTION",
        "DELETE_OUTPUT_DIRECTORY",
    }
)


def configure(settings, on: bool) -> None:
    """Pelican's content cache as the guide keeps it: at the generator layer, uncompressed;
    on when the guide's cache is and Pelican can save the settings each page carries (a
    lambda in JINJA_FILTERS, say, it cannot)."""
    if on:
        try:
            pickle.dumps(settings)
        except Exception:  # noqa: BLE001 - anything unpicklable: the pages are read each time
            on = False
    settings["CACHE_CONTENT"] = on
    settings["CONTENT_CACHING_LAYER"] = "generator"
    settings["GZIP_CACHE"] = False
    if not on:  # Pelican would load a file left there all the same (its LOAD_CONTENT_CACHE)
        settings["LOAD_CONTENT_CACHE"] = False


def key(settings) -> str:
    """What a page is made from besides its file."""
    made_from = {
        name: value
        for name, value in settings.items()
        if name not in RENDERING_SETTINGS and (not name.startswith("GUIDE_") or name in READING_SETTINGS)
    }
    return digest(settings_digest(made_from), sorted(theme_ids(settings["THEME"])), code_digest())


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.unlink(path)


def guard(cache: Cache, settings) -> bool:
    """Before the generators load Pelican's files: each one the guide did not see Pelican
    leave, under this build's digest, is removed (with one warning when it was changed).
    Whether Pelican's pages are there to load."""
    if not settings.get("CACHE_CONTENT") or cache.folder is None:
        return False
    folder = os.path.abspath(settings["CACHE_PATH"])
    recorded = cache.load(
        RECORD, key(settings), dict, "record of Pelican's content cache", "reading every page again"
    )
    kept = False
    for name in FILES:
        path = os.path.join(folder, name)
        found = _stamp(path)
        if found is None:
            continue
        if recorded is not None and name in recorded and recorded[name] != found:
            cache.warn(
                path,
                "Pelican's content cache cannot be read (it is not as Pelican left it); "
                "reading every page again",
            )
        if recorded is None or recorded.get(name) != found or not cache.loading:
            _remove(path)
        elif name == "PagesGenerator":
            kept = True
    return kept


def record(cache: Cache, settings) -> None:
    """After Pelican saved its files: their size and time, under this build's digest."""
    if not settings.get("CACHE_CONTENT") or cache.folder is None:
        return
    folder = os.path.abspath(settings["CACHE_PATH"])
    stamps = {name: found for name in FILES if (found := _stamp(os.path.join(folder, name))) is not None}
    cache.save(RECORD, key(settings), stamps, "record of Pelican's content cache")


def refresh(page, generator) -> None:
    """A page taken from the cache, with this build's settings and context."""
    page.settings = generator.settings
    page._context = generator.context  # where Pelican resolves the page's link placeholders


def let_go() -> None:
    """Pelican's remembered contents and summaries forgotten: each holds a page of a build
    that is over, and through it that build's whole context (about 19 MB a save on the
    1,000-page guide, which the devserver's memory otherwise kept growing by)."""
    from pelican.contents import Content

    for remembered in (Content.get_content, Content.get_summary):
        remembered.cache.clear()
