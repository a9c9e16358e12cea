"""One build under way: its configuration, report and cache, what the last build of the
same site left, and the value each step of the pipeline returned.

Each step (plugin.py lists them) is a function that takes values and returns one; the
handler that calls it keeps the value here, once, for the steps after it. Pelican hands
every signal the settings or an object that holds them, so the run is found by its
settings (`run_of`). It is kept beside them, not inside: Pelican's content cache pickles
each page with its settings. `begin` at the start of each Pelican run, `end` after it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import report
from .caches import Cache
from .files import PREVIOUS_SITE, RESIDENT
from .report import Report
from .settings import Config, guide_config

if TYPE_CHECKING:
    from .editions import Editions
    from .gitdates import Dates
    from .lastbuild import LastBuild
    from .links import Links
    from .pages import Pages
    from .plan import Plan
    from .reading import PageRead
    from .theme import Stylesheets
    from .writer import GuideWriter

SETTINGS_FILE = "guide_settings_file"  # set by guide-build: the file a warning about a setting names

_runs: dict[int, Run] = {}  # by id() of the run's settings: two builds never share one


@dataclass
class Timings:
    """Where a build's time went, by phase (-D prints each; `make bench` reads them all)."""

    started: float = field(default_factory=time.perf_counter)
    lap_started: float = field(default_factory=time.perf_counter)
    phases: dict[str, float] = field(default_factory=dict)
    counts: dict[str, float] = field(default_factory=dict)

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - self.lap_started
        self.lap_started = now
        report.logger.debug("%s took %.3f s", phase, self.phases[phase])

    def total(self) -> float:
        return time.perf_counter() - self.started


@dataclass
class Run:
    settings: dict
    config: Config
    cache: Cache
    report: Report = field(default_factory=Report)
    timings: Timings = field(default_factory=Timings)
    last: LastBuild | None = None  # what the last build of this site left (lastbuild.py)
    pages_cached: bool = False  # Pelican's content cache holds the pages of a build before (pagecache.py)
    styles: Stylesheets | None = None
    # The steps' values, in the order the build meets them.
    reads: dict[str, PageRead] = field(default_factory=dict)  # the pages read this build
    pages: Pages | None = None
    plan: Plan | None = None
    links: Links | None = None
    dates: Dates | None = None
    statics: dict[str, tuple] = field(default_factory=dict)  # the static files' stamps (staticfiles.py)
    editions: Editions | None = None  # the EPUB and print.html, when GUIDE_EDITIONS asks
    writer: GuideWriter | None = None

    def last_build(self, build_id: str, checks: dict) -> LastBuild:
        """What the next build of this site starts from: this build's values."""
        from .lastbuild import LastBuild

        return LastBuild(
            build=build_id,
            settled=self.links.settled,
            keys=dict(self.writer.keys),
            checks=checks,
            dates=self.dates,
            statics=self.statics,
            sources={page.save_as: os.path.abspath(page.source_path) for page in self.pages.every},
        )

    @property
    def live(self) -> str:
        """The site this build replaces: the output folder, or the live one a staged build swaps."""
        return self.settings.get(PREVIOUS_SITE) or self.settings["OUTPUT_PATH"]


def begin(settings) -> Run:
    config = guide_config(settings)
    cache = Cache(
        settings.get("CACHE_PATH") if config.cache else None,
        load=bool(settings.get("LOAD_CONTENT_CACHE")),
        resident=bool(settings.get(RESIDENT)),
    )
    run = Run(settings, config, cache)
    run.report.attach()
    _runs[id(settings)] = run
    return run


def run_of(settings) -> Run:
    run = _runs.get(id(settings))
    if run is None:  # a signal outside Pelican.run (a test calling a handler directly)
        run = begin(settings)
    return run


def end(settings) -> None:
    run = _runs.pop(id(settings), None)
    if run is not None:
        run.report.detach()
