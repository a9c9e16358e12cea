"""Signal handler: check the written site when Pelican has finished writing it."""

from __future__ import annotations

import json
import logging
import os
import time

from pelican import signals

from guide_navigation import guide_of
from guide_parallel import forked_map

from .checks import PageExpectation, check_written_page
from .verified import VerifiedPages

logger = logging.getLogger(__name__)

CONTENTS_PAGE = "table-of-contents.html"
# Pages the theme writes besides the guide's own; their links are checked too.
THEME_PAGES = ("index.html", CONTENTS_PAGE, "404.html")

DEFAULT_GUIDE_CHECK = {
    # Processes that parse pages at once; None means one per core.
    "workers": None,
    # Skip a page whose HTML, expectations and the set of written files are exactly
    # those of a page that already passed (kept in CACHE_PATH; `make clean` drops it).
    "skip_verified": True,
    # Where to write {"seconds": ..., "checked": ..., "skipped": ...} after each check
    # (the benchmark reads it); None writes nothing.
    "timing_file": None,
}


class GuideCheckError(Exception):
    """The written site does not match the guide's metadata."""

    exitcode = 1


class GuideCheckSettingsError(Exception):
    exitcode = 1
    setting_problem = True


def check_settings(settings) -> dict:
    user = settings.get("GUIDE_CHECK", {})
    if not isinstance(user, dict):
        raise GuideCheckSettingsError(f"GUIDE_CHECK {user!r} must be a dict")
    unknown = sorted(set(user) - set(DEFAULT_GUIDE_CHECK))
    if unknown:
        raise GuideCheckSettingsError(
            f"GUIDE_CHECK key {unknown[0]!r} is unknown; expected one of "
            + ", ".join(sorted(DEFAULT_GUIDE_CHECK))
        )
    merged = {**DEFAULT_GUIDE_CHECK, **user}
    workers = merged["workers"]
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise GuideCheckSettingsError(f"GUIDE_CHECK['workers'] {workers!r} must be a whole number from 1, or None")
    return merged


def expectation(page, guide, sitename: str) -> PageExpectation:
    return PageExpectation(
        path=page.save_as,
        title=f"{page.title} - {sitename}",
        h1=page.title,
        description=page.description,
        sidebar=guide.sidebar_for(page),
    )


def written_files(output: str) -> frozenset[str]:
    """Every file under the output folder, as site paths; one walk instead of a stat per link."""
    found = set()
    for folder, _, names in os.walk(output):
        relative = os.path.relpath(folder, output)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in names)
    return frozenset(found)


class _Site:
    """What every page's check needs; module-level so forked workers inherit it."""

    output = ""
    siteurl = ""
    sitename = ""
    guide = None
    reading_order: list[str] = []
    files: frozenset[str] = frozenset()


def _checks_for(path: str, page) -> dict:
    """The keyword arguments of check_written_page for one written file."""
    if page is not None:
        return {"expected": expectation(page, _Site.guide, _Site.sitename)}
    return {"contents": _Site.reading_order} if path == CONTENTS_PAGE else {}


def expectation_keys(guide, sitename: str, reading_order) -> dict[int, str]:
    """For each page (by id), a text that changes whenever its expectation would.

    Making every expectation to compare it costs a sidebar per page; its inputs are
    few: the page's own fields, the chapter list, and its own chapter's pages.
    """
    chapters = repr([(c.label, c.landing.url if c.landing else None) for c in guide.chapters])
    keys = {}
    for chapter in guide.chapters:
        members = repr([(m.sidebartitle, m.url) for m in chapter.pages])
        for page in (chapter.landing, *chapter.pages):
            if page is not None:
                keys[id(page)] = repr(
                    (page.save_as, page.url, page.title, sitename, page.description, chapters, members)
                )
    keys[id(None)] = repr(list(reading_order))
    return keys


def _read(path: str) -> str | None:
    try:
        with open(os.path.join(_Site.output, path), encoding="utf-8") as written:
            return written.read()
    except FileNotFoundError:
        return None


def _check_one(job) -> list[str]:
    # Each worker reads the file and builds the expectations itself: holding every
    # page's HTML and sidebar at once would double the build's peak memory.
    path, page = job
    return check_written_page(
        _read(path),
        path,
        siteurl=_Site.siteurl,
        file_exists=_Site.files.__contains__,
        **_checks_for(path, page),
    )


def check_written_site(pelican) -> None:
    """finalized: read every written page back once and stop the build on any problem."""
    guide = guide_of(pelican.settings)
    if guide is None:
        return
    started = time.perf_counter()
    config = check_settings(pelican.settings)
    _Site.output = pelican.output_path
    _Site.siteurl = pelican.settings["SITEURL"]
    _Site.sitename = pelican.settings["SITENAME"]
    _Site.guide = guide
    _Site.reading_order = [page.url for page in guide.pages]
    _Site.files = written_files(_Site.output)

    jobs = [(page.save_as, page) for page in guide.pages] + [(name, None) for name in THEME_PAGES]
    verified = None
    if config["skip_verified"]:
        verified = VerifiedPages.load(pelican.settings, _Site.files)
        keys = expectation_keys(guide, _Site.sitename, _Site.reading_order)
    problems = []
    todo = []
    for path, page in jobs:
        if path not in _Site.files:
            problems.append(f"{path}: was not written")
        elif verified is None or not verified.passed(path, _read(path), keys[id(page)]):
            todo.append((path, page))

    results = forked_map(_check_one, todo, config["workers"])
    for (path, page), found in zip(todo, results):
        problems += found
        if verified is not None and not found:
            verified.record(path, _read(path), keys[id(page)])
    if verified is not None:
        verified.save()

    seconds = time.perf_counter() - started
    skipped = len(jobs) - len(todo)
    logger.info("guide_check: checked %d pages, skipped %d unchanged, in %.3f s", len(todo), skipped, seconds)
    if config["timing_file"]:
        with open(config["timing_file"], "w", encoding="utf-8") as timing:
            json.dump({"seconds": seconds, "checked": len(todo), "skipped": skipped}, timing)

    if problems:
        for line in problems:
            logger.error("%s", line)
        raise GuideCheckError(
            f"the written site has {len(problems)} problem{'s' if len(problems) != 1 else ''}"
        )


def check_settings_early(pelican) -> None:
    """initialized: a wrong GUIDE_CHECK stops the build before anything is read."""
    check_settings(pelican.settings)


def register():
    signals.initialized.connect(check_settings_early)
    signals.finalized.connect(check_written_site)
