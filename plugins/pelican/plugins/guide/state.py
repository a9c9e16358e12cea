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
    counts: dict = field(default_factory=dict)  # figures for the summary line


def begin(settings) -> BuildState:
    state = BuildState(guide_config(settings))
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
