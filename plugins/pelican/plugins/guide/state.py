"""The state of the build under way, kept on the build's own settings dict.

Pelican hands every signal either the settings or an object that holds them, so the
settings are where one build's state lives: never in module globals, which two builds
in one process (the devserver, the tests) would share. `begin` makes it fresh at the
start of each run; `end` drops it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .caches import CacheFiles
from .report import Report
from .settings import Config, guide_config

_KEY = "guide_build_state"
SETTINGS_FILE = "guide_settings_file"  # set by guide-build: the file a warning about a setting names


@dataclass
class BuildState:
    config: Config
    report: Report = field(default_factory=Report)
    caches: CacheFiles = field(default_factory=CacheFiles)  # this build's cache files, each warned about once
    started: float = field(default_factory=time.perf_counter)
    lap: float = field(default_factory=time.perf_counter)
    timings: dict = field(default_factory=dict)  # phase -> seconds
    styles: Any = None  # theme.Stylesheets
    reading: Any = None  # reading.Reading
    page_files: set = field(default_factory=set)  # every page source read
    guide: Any = None  # navigation.Guide
    guide_pages: list = field(default_factory=list)  # published, in the sidebar
    hidden_pages: list = field(default_factory=list)
    theme_pages: list = field(default_factory=list)  # the theme's own HTML files
    redirects: dict = field(default_factory=dict)  # redirect page -> the page it reaches
    reported_links: set = field(default_factory=set)  # (file, target) already warned about
    writer: Any = None  # writer.GuideWriter
    search_shards: list = field(default_factory=list)  # search.Shard, the index's plan
    search_stale: dict = field(default_factory=dict)  # shard name -> the key it was made with
    article_keys: dict = field(default_factory=dict)  # each listed page's article_key: the shards' plan
    search_scratch: str = ""  # where Pagefind's input is written (search.scratch_folder)
    counts: dict = field(default_factory=dict)  # figures for the summary line
    content_stamps: dict | None = None  # every file of the content folder when reading began
    planned_files: set = field(default_factory=set)  # every site path the build writes
    page_sources: dict = field(default_factory=dict)  # content path of a page's source -> its site path
    context_names: set = field(default_factory=set)  # the variables the templates are given
    sent_links: dict = field(default_factory=dict)  # source -> its links to the complete guide
    editions: Any = None  # editions.Editions: the EPUB and print.html, when GUIDE_EDITIONS asks


CACHE_FILES = "guide_cache_files"  # a CacheFiles a build was handed (quick.py: what it warned about)


def begin(settings) -> BuildState:
    state = BuildState(guide_config(settings))
    if settings.get(CACHE_FILES) is not None:
        state.caches = settings[CACHE_FILES]
    state.report.attach()
    settings[_KEY] = state
    return state


def state_of(settings) -> BuildState:
    state = settings.get(_KEY)
    if state is None:  # a signal outside Pelican.run (a test calling a handler directly)
        state = begin(settings)
    return state


def end(settings) -> None:
    state = settings.pop(_KEY, None)
    if state is not None:
        state.report.detach()
