"""The plugin's wiring: one handler per Pelican signal, each calling the module named for
its step. Every build takes this one path through Pelican's run, cold or warm, `make html`
or the devserver; a build after an edit differs only in what it reads again and where the
rest comes from (Pelican's content cache, the last build's values, the previous site).

    initialized               check_settings   sitesettings, settings: the guide's settings, or idle
    get_generators            start            the run (run.py) and the last build's values (lastbuild.py)
    page_generator_init       read_pages       reading: with no content cache, every page on every core
    content_object_init       on_page_made     pages: a page's address, fixed as Pelican makes it
    page_generator_finalized  order_pages      pages, navigation: checked, ordered, their sidebars
    static_generator_finalized keep_static_files staticfiles: the content folder's other files
    all_generators_finalized  plan_and_settle  plan, links, gitdates, editions: every file, every link
    get_writer                guide_writer     writer: renders what changed
    finalized                 finish           written (writer, search, check), publish, lastbuild

Problems are reported one line each (report.py), in one order when the build ends or stops;
the build stops before writing anything when reading or planning found an error, and before
its site is swapped in when the written site fails the check. Strict mode (GUIDE_STRICT)
stops on warnings too.
"""

from __future__ import annotations

import functools
import json
import logging
import os

from pelican.contents import Page

from . import editions, lastbuild, links, pagecache, pages, plan, report, sitesettings, staticfiles
from .check import CONTENTS_PAGES
from .errors import GuideBuildFailed, GuideSettingsError
from .generator import HOME_PAGE, GuideGenerator
from .gitdates import page_dates
from .publish import precompress, write_publishing_files
from .reader import EXTENSIONS as READER_EXTENSIONS
from .reader import GuideMarkdownReader
from .reading import page_files, read_changed
from .run import SETTINGS_FILE, begin, end, run_of
from .settings import guide_config
from .theme import Stylesheets, configure_environment, site_path
from .writer import GuideWriter, stamp_site
from .written import write_site

IDLE = "guide_idle"  # on the settings of a site that never asked for the guide


def unless_idle(handler):
    """The handler does nothing for a site that never asked for the guide."""

    @functools.wraps(handler)
    def run(sender, *args, **kwargs):
        settings = sender.settings if hasattr(sender, "settings") else sender[0].settings
        return None if settings.get(IDLE) else handler(sender, *args, **kwargs)

    return run


def check_settings(pelican) -> None:
    """initialized: idle for a site that never asked for the guide; else the Pelican settings
    the guide depends on given its values where the site left them, and a wrong setting
    stops the build before anything is read."""
    settings = pelican.settings
    if not sitesettings.asked_for(settings):
        settings[IDLE] = True
        report.logger.info(
            "guide: idle: this site does not ask for the guide (PLUGINS is unset, no GUIDE_* "
            "setting, THEME is another); it builds as it would without it"
        )
        return
    settings[sitesettings.NOTES] = sitesettings.apply(settings)
    pelican.theme = settings["THEME"]  # Pelican read it before plugins were loaded
    config = guide_config(settings)
    if not os.path.isdir(settings["PATH"]):
        raise GuideSettingsError(f"the content folder {settings['PATH']} does not exist")
    pagecache.configure(settings, config.cache and bool(settings.get("CACHE_PATH")))


@unless_idle
def start(pelican):
    """get_generators: the run, the last build's values; Pelican's content cache kept valid
    before its generators load it; the guide's own generator."""
    settings = pelican.settings
    run = begin(settings)
    for line in settings.pop(sitesettings.NOTES, ()):  # counted now, so strict mode sees them
        report.warning(None, line)
    run.styles = Stylesheets(settings["THEME"], run.config)
    run.last = lastbuild.load(run.cache, run.live)
    run.pages_cached = pagecache.guard(run.cache, settings)
    run.timings.lap("start")
    return GuideGenerator


@unless_idle
def use_guide_reader(readers) -> None:
    """readers_init: Markdown pages are read by the guide's reader."""
    for extension in READER_EXTENSIONS:
        readers.reader_classes[extension] = GuideMarkdownReader


@unless_idle
def configure_generator(generator) -> None:
    """generator_init: autoescaped templates, and what the theme reads."""
    run = run_of(generator.settings)
    configure_environment(generator.env, generator.settings, run.config.cache, run.cache)
    generator.context.update(
        GUIDE_STYLES=run.styles,
        GUIDE_PUBLIC_URL=run.config.public_url,
        GUIDE_SEARCH=run.config.search,
        GUIDE_SITE_PATH=site_path(run.config.siteurl),
        GUIDE_DOWNLOADS=None,  # the editions', once made
    )


@unless_idle
def read_pages(generator) -> None:
    """page_generator_init: with no pages in Pelican's content cache (a cold build, new
    settings), every page read up front on every core; else Pelican asks the reader for the
    few it lacks as it meets them."""
    run = run_of(generator.settings)
    if not run.pages_cached:
        run.reads = read_changed(generator, page_files(generator), run.config)
        run.timings.lap("read")


@unless_idle
def on_page_made(content) -> None:
    """content_object_init: a guide page's address, fixed as Pelican makes it."""
    if isinstance(content, Page) and hasattr(content, "sortorder"):
        pages.fix_address(content)


@unless_idle
def order_pages(generator) -> None:
    """page_generator_finalized: every page checked and ordered, its sidebar and pager."""
    run = run_of(generator.settings)
    run.timings.lap("pages")  # Pelican's own work on each page, its content cache's included
    run.timings.counts["pages read"] = len(run.reads)
    run.pages = pages.collect(generator, run.reads, run.config, run.styles, run.settings.get(SETTINGS_FILE))
    run.reads = {}  # the pages hold what was read: a cold build does not hold the guide twice
    pagecache.record(run.cache, run.settings)  # Pelican has saved its content cache by now
    run.timings.lap("navigation")
    stop_on_problems(run, "nothing was written", warnings_too=False)  # strict: once all are seen


@unless_idle
def keep_static_files(generator) -> None:
    """static_generator_finalized: the content folder's other files checked, the unchanged
    ones taken from the previous site."""
    run = run_of(generator.settings)
    run.statics = staticfiles.keep(generator, run.live, run.last.statics if run.last else {})
    run.timings.lap("static files")


@unless_idle
def plan_and_settle(generators) -> None:
    """all_generators_finalized: every output planned, links settled, dates worked out.
    The last stop before anything is written."""
    run = run_of(generators[0].settings)
    if run.pages is None:
        return
    settings, config, last = run.settings, run.config, run.last
    run.plan = plan.plan(settings, config, run.pages, generators)
    run.links = links.settle(run.pages, run.plan, config, last.settled if last else {}, settings["PATH"])
    if run.links.sent and not report.links_logger.isEnabledFor(logging.INFO):
        goes = "link goes" if run.links.sent == 1 else "links go"
        report.info(None, f"{run.links.sent} {goes} to the complete guide; -v lists them")
    run.timings.lap("links")
    run.dates = page_dates(settings, config, run.pages, last.dates if last else None)
    run.timings.lap("git dates")
    if config.publish and config.placeholder_url:
        report.warning(
            settings.get(SETTINGS_FILE) or "SITEURL",
            f"the site's address {config.public_url} is a placeholder: "
            "set SITEURL to where the site is served",
        )
    stop_on_problems(run, "nothing was written")
    if config.editions:  # before anything is rendered: the contents pages give the EPUB's size
        run.editions = editions.make_for_site(
            generators, config, run.pages.guide, run.plan.files, run.links.reported
        )
        run.timings.lap("editions")


@unless_idle
def guide_writer(pelican):
    """get_writer: the incremental writer."""
    return GuideWriter


@unless_idle
def finish(pelican) -> None:
    """finalized: the site written and checked; the publishing files; the stamp; what the
    next build starts from."""
    settings = pelican.settings
    run = run_of(settings)
    try:
        if run.writer is None or run.pages is None:
            return
        output, config = pelican.output_path, run.config
        checks = write_site(run, output)
        stop_on_problems(run, "the site was not swapped in")
        if config.publish:
            contents = [path for path in (*CONTENTS_PAGES, HOME_PAGE) if path in run.plan.theme_pages]
            contents += [path for path in editions.planned(config) if path.endswith(".epub")]
            run.timings.counts["sitemap"] = write_publishing_files(
                output, config.public_url, run.pages.listed, contents
            )
            precompress(output, config.precompress)
        lastbuild.save(run.cache, run.live, run.last_build(stamp_site(output, run.writer.keys), checks))
        run.timings.lap("publishing")
        save_timings(run)
        run.report.say()
        print(summary(run), flush=True)
    finally:
        end(settings)


def save_timings(run) -> None:
    """Where this build's time went, by phase, beside the cache (`make bench` reads it)."""
    if run.cache.folder is None:
        return
    figures = {
        **run.timings.phases,
        "total": run.timings.total(),
        "rendered": run.writer.rendered,
        "reused": run.writer.reused,
        **run.timings.counts,
    }
    run.cache.write(run.cache.path("guide-timings.json"), json.dumps(figures).encode(), "timings")


def summary(run) -> str:
    writer, counted = run.writer, run.report
    figures = [
        report.plural(len(run.pages.listed), "page"),
        f"{report.plural(writer.rendered, 'file')} rendered, {writer.reused} reused, "
        f"{run.timings.counts.get('checked', 0)} checked",
        report.plural(counted.warnings, "warning"),
        report.plural(counted.errors, "error"),
    ]
    if run.links and run.links.sent:
        figures.append(f"{report.plural(run.links.sent, 'link')} to the complete guide")
    return f"guide: {', '.join(figures)}, in {run.timings.total():.2f} s"


def stop_on_problems(run, consequence: str, warnings_too: bool = True) -> None:
    counted = run.report
    if counted.errors or (warnings_too and run.config.strict and counted.warnings):
        counted.say()  # every line first, then the one that says why the build stops
    if counted.errors:
        raise GuideBuildFailed(f"{report.plural(counted.errors, 'error')}; {consequence}")
    if warnings_too and run.config.strict and counted.warnings:
        raise GuideBuildFailed(
            f"strict mode: {report.plural(counted.warnings, 'warning')} count as errors; {consequence}"
        )
