"""The site written: what changed rendered (writer.py), its search shards indexed in the
background (search.py) while the unchanged files are linked from the previous site and the
whole site is checked on every core (check/). Its value is the check's records of the files
that passed, for the next build; the check's lines are reported with the others."""

from __future__ import annotations

import logging
import time

from . import editions, report, search
from .check import site_check


def write_site(run, output: str) -> dict[str, list]:
    """Render, index, link and check the site being built into `output`."""
    settings, config, writer, timings = run.settings, run.config, run.writer, run.timings
    timings.lap("writing templates")
    writer.render()
    timings.lap("rendering")
    started = time.perf_counter()
    index, indexing = (
        search.start_index(settings, config, run.pages, writer.global_key, output, run.live)
        if config.search
        else (None, None)
    )
    writer.link_unchanged()
    timings.lap("linking")
    made = editions.facts(config, settings) if config.editions else None
    check = site_check(settings, config, run.pages, run.plan, run.links, output, run.last, made)
    try:
        errors = check.run_pages()
        timings.lap("check")
    finally:
        failed = indexing.wait() if indexing else None
        if indexing:
            timings.counts["search_shards_indexed"] = len(indexing.shards)
            timings.counts["search_seconds"] = time.perf_counter() - started
        timings.lap("search index")
    if failed:
        report.error(output, f"the search index could not be built: {failed}")
    elif index:
        search.write_manifest(output, index.shards, index.stale)
        if index.stale:  # the devserver indexes them after the reload
            settings[search.PENDING] = index
    more_errors, warnings, checks = check.settle()  # against every file, the index's too
    for level, lines in ((logging.ERROR, errors + more_errors), (logging.WARNING, warnings)):
        for source, line in lines:  # about the page's source, or the site's file
            report.say(level, line, source or line.split(":", 1)[0])
    timings.counts["checked"] = check.checked
    return checks
