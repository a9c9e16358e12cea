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
from guide_settings import plugin_settings, workers_setting

from .site import CheckPipeline, GuideJobs, SiteChecker
from .verified import VerifiedPages

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
    # "skipped": ..., "handover_seconds": ...} after each check (the benchmark reads
    # it); None writes nothing.
    "timing_file": None,
}


class GuideCheckError(Exception):
    """The written site does not match the guide's metadata."""

    exitcode = 1


def check_settings(settings) -> dict:
    merged = plugin_settings(settings, "GUIDE_CHECK", DEFAULT_GUIDE_CHECK)
    workers_setting("GUIDE_CHECK", merged["workers"])
    return merged


def written_files(output: str) -> frozenset[str]:
    """Every file under the output folder, as site paths; one walk instead of a stat per link."""
    found = set()
    for folder, _, names in os.walk(output):
        relative = os.path.relpath(folder, output)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in names)
    return frozenset(found)


class _Build:
    """The check of the build under way (content_written carries no settings)."""

    def __init__(self, pelican, config: dict):
        self.output = pelican.output_path
        self.settings = pelican.settings
        verified = VerifiedPages.load(pelican.settings) if config["skip_verified"] else None
        self.checker = SiteChecker(self.output, pelican.settings["SITEURL"], verified)
        workers = config["workers"] or default_workers()
        forks = "fork" in multiprocessing.get_all_start_methods()
        # A rebuild after a build that passed checks the few pages that changed and
        # hashes the rest; a second process would cost more memory than it saves time.
        parallel = workers > 1 and forks and (verified is None or not verified.has_pages())
        self.pipeline = CheckPipeline(self.checker) if parallel else None
        self.jobs: GuideJobs | None = None
        self.spent = 0.0  # seconds spent handing written files to the pipeline


_current: list[_Build] = []


def start_check(pelican) -> None:
    """initialized: check the settings; fork the page checker while the process is small."""
    config = check_settings(pelican.settings)
    for build in _current:  # a build that failed before it finished
        if build.pipeline is not None:
            build.pipeline.close()
    _current[:] = [_Build(pelican, config)]


def page_written(path, context=None) -> None:
    """content_written: hand each written file to the check while Pelican writes the next."""
    if not _current or _current[0].pipeline is None or context is None or "GUIDE" not in context:
        return
    started = time.perf_counter()
    build = _current[0]
    if build.jobs is None:
        build.jobs = GuideJobs(build.settings, context["GUIDE"])
    relative = os.path.relpath(path, build.output).replace(os.sep, "/")
    if relative in build.jobs.pages:
        build.pipeline.submit(relative, build.jobs)
    build.spent += time.perf_counter() - started


def check_written_site(pelican) -> None:
    """finalized: wait for the page checks, check the links, stop the build on any problem."""
    config = check_settings(pelican.settings)
    build = _current.pop() if _current else _Build(pelican, {**config, "workers": 1})
    guide = guide_of(pelican.settings)
    if guide is None:
        if build.pipeline is not None:
            build.pipeline.close()
        return
    started = time.perf_counter()
    jobs = build.jobs or GuideJobs(pelican.settings, guide)
    files = written_files(pelican.output_path)
    pipeline = build.pipeline
    result = pipeline.finish(files, jobs) if pipeline is not None else build.checker.finish(files, jobs)
    problems = result["problems"]

    # The time the check held up the build: here, plus handing over each written file.
    seconds = time.perf_counter() - started + build.spent
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
                    "handover_seconds": build.spent,
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


def register():
    signals.initialized.connect(start_check)
    signals.content_written.connect(page_written)
    signals.finalized.connect(check_written_site)
