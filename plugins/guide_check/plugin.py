"""Signal handlers: check pages as they are written, and the whole site when the build ends."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time

from pelican import signals

from guide_navigation import guide_of
from guide_parallel import default_workers

from .site import CheckPipeline, SiteChecker

logger = logging.getLogger(__name__)

DEFAULT_GUIDE_CHECK = {
    # 1: every page is checked in the build's own process when the build ends.
    # None or more: pages are checked in a second process while Pelican writes the
    # rest, on the core Pelican leaves idle (on a one-core machine None means 1).
    "workers": None,
    # Skip a page whose HTML, expectations and the set of written files are exactly
    # those of a page that already passed (kept in CACHE_PATH; `make clean` drops it).
    "skip_verified": True,
    # Where to write {"seconds": ..., "worker_cpu_seconds": ..., "checked": ...,
    # "skipped": ...} after each check (the benchmark reads it); None writes nothing.
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


def written_files(output: str) -> frozenset[str]:
    """Every file under the output folder, as site paths; one walk instead of a stat per link."""
    found = set()
    for folder, _, names in os.walk(output):
        relative = os.path.relpath(folder, output)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in names)
    return frozenset(found)


# The check of the build under way, by its guide (content_written carries no settings):
# the checker, its pipeline (or None) and the seconds spent handing files to it.
_running: dict[int, list] = {}


def _start(context) -> list | None:
    guide = context.get("GUIDE")
    if guide is None:
        return None
    if id(guide) not in _running:
        config = check_settings(context)
        checker = SiteChecker(context, guide, context["OUTPUT_PATH"], config["skip_verified"])
        workers = config["workers"] or default_workers()
        forks = "fork" in multiprocessing.get_all_start_methods()
        # When every page passed last time, a rebuild likely checks a few pages and
        # hashes the rest; a second process would cost more memory than it saves time.
        parallel = workers > 1 and forks and not checker.all_verified_before()
        _running.clear()  # one build at a time; a failed build's leftovers go here
        _running[id(guide)] = [checker, CheckPipeline(checker) if parallel else None, 0.0]
    return _running[id(guide)]


def page_written(path, context=None) -> None:
    """content_written: hand each written file to the check while Pelican writes the next."""
    if context is None:
        return
    started = time.perf_counter()
    running = _start(context)
    if running is None:
        return
    checker, pipeline, _ = running
    if pipeline is not None:
        pipeline.submit(os.path.relpath(path, checker.output).replace(os.sep, "/"))
    running[2] += time.perf_counter() - started


def check_written_site(pelican) -> None:
    """finalized: wait for the page checks, check the links, stop the build on any problem."""
    guide = guide_of(pelican.settings)
    if guide is None:
        return
    started = time.perf_counter()
    config = check_settings(pelican.settings)
    checker, pipeline, spent = _running.pop(id(guide), None) or (
        SiteChecker(pelican.settings, guide, pelican.output_path, config["skip_verified"]),
        None,
        0.0,
    )
    files = written_files(pelican.output_path)
    result = pipeline.finish(files) if pipeline is not None else checker.finish(files)
    problems = result["problems"]

    # The time the check held up the build: here, plus handing over each written file.
    seconds = time.perf_counter() - started + spent
    beside = result["cpu_seconds"] if pipeline is not None else 0.0
    logger.info(
        "guide_check: checked %d pages, skipped %d unchanged; %.3f s in the build, %.3f s CPU beside it",
        result["checked"], result["skipped"], seconds, beside,
    )  # fmt: skip
    if config["timing_file"]:
        with open(config["timing_file"], "w", encoding="utf-8") as timing:
            json.dump(
                {
                    "seconds": seconds,
                    "worker_cpu_seconds": beside,
                    "checked": result["checked"],
                    "skipped": result["skipped"],
                },
                timing,
            )

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
    signals.content_written.connect(page_written)
    signals.finalized.connect(check_written_site)
