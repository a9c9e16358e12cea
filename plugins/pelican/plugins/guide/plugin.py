"""The plugin's signal handlers, in the order a build meets them.

Each handler does one step and hands its result on through the build's state
(state.py). Problems are reported as they are found, one line each; the build stops
before writing anything when reading found an error, and before its site is swapped in
when the written site fails the check. Strict mode (GUIDE_STRICT) stops on warnings too.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import time

from pelican.contents import Page
from pelican.utils import sanitised_join

from . import articles, editions, report, search, sitesettings, snapshot
from .check import CONTENTS_PAGES, SiteCheck, facts_of
from .digests import digest
from .errors import GuideBuildFailed, GuideSettingsError
from .fields import HOME_TEMPLATE
from .files import PREVIOUS_SITE, RESIDENT, STAMP, link_or_copy
from .generator import HOME_PAGE, LLMS_TXT, SEARCH_PAGE, GuideGenerator, alias_save_as, markdown_copy
from .gitdates import last_commit_dates, repository, source_date_epoch
from .linkcheck.sources import save_page_sources
from .links import LinkSettler, edit_address
from .navigation import Guide, is_home, ties
from .publish import precompress, write_publishing_files
from .reader import EXTENSIONS as READER_EXTENSIONS
from .reader import GuideMarkdownReader
from .reading import Reading
from .search import FOLDER as SEARCH_FOLDER
from .settings import guide_config
from .state import SETTINGS_FILE, begin, end, state_of
from .theme import SCRIPT, SCRIPT_SOURCE, Stylesheets, configure_environment, site_path
from .writer import GuideWriter, article_key

PUBLISHING_FILES = ("sitemap.xml", "robots.txt")


def lap(state, phase: str) -> None:
    """Time since the last lap, kept for `make bench` and shown with -D."""
    now = time.perf_counter()
    state.timings[phase] = state.timings.get(phase, 0.0) + now - state.lap
    state.lap = now
    report.logger.debug("%s took %.3f s", phase, state.timings[phase])


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
    guide_config(settings)
    if not os.path.isdir(settings["PATH"]):
        raise GuideSettingsError(f"the content folder {settings['PATH']} does not exist")


@unless_idle
def start_run(pelican):
    """get_generators: a fresh state for this run; the guide's own generator."""
    state = begin(pelican.settings)
    for line in pelican.settings.pop(sitesettings.NOTES, ()):  # counted now, so strict mode sees them
        report.logger.warning("%s", line)
    state.styles = Stylesheets(pelican.settings["THEME"], state.config)
    return GuideGenerator


@unless_idle
def use_guide_reader(readers) -> None:
    """readers_init: Markdown pages are read by the guide's reader."""
    for extension in READER_EXTENSIONS:
        readers.reader_classes[extension] = GuideMarkdownReader


@unless_idle
def configure_generator(generator) -> None:
    """generator_init: autoescaped templates, and what the theme reads."""
    state = state_of(generator.settings)
    configure_environment(generator.env, generator.settings, state.config.cache, state.caches)
    generator.context.update(
        GUIDE_STYLES=state.styles,
        GUIDE_PUBLIC_URL=state.config.public_url,
        GUIDE_SEARCH=state.config.search,
        GUIDE_SITE_PATH=site_path(state.config.siteurl),
        GUIDE_DOWNLOADS=None,  # the editions, once made (make_editions)
    )


@unless_idle
def read_pages(generator) -> None:
    """page_generator_init: read every page the cache cannot answer, on every core."""
    # Pelican's own content caches would answer before the guide's reader is asked, and
    # the reader's warnings would then go unreported: the guide's cache replaces them.
    for cacher in (generator, generator.readers):
        cacher.get_cached_data = lambda path, default=None: default
        cacher.cache_data = lambda path, data: None
    state = state_of(generator.settings)
    if state.config.cache:  # what the next quick build compares the content folder with
        state.content_stamps = snapshot.content_stamps(generator.path, generator.settings["IGNORE_FILES"])
    state.reading = Reading(generator.settings, state.config, state.caches)
    extensions = list(READER_EXTENSIONS)
    paths = sorted(
        os.path.abspath(os.path.join(generator.path, relative))
        for relative in generator.get_files(
            generator.settings["PAGE_PATHS"],
            exclude=generator.settings["PAGE_EXCLUDES"],
            extensions=extensions,
        )
    )
    lap(state, "start")
    if not paths:
        folders = ", ".join(f"{generator.path}/{folder}" for folder in generator.settings["PAGE_PATHS"])
        report.error(generator.path, f"has no pages: put Markdown files (.md, .markdown) under {folders}")
    state.counts["pages read"] = state.reading.prepare(paths)
    lap(state, "read")
    state.page_files = set(paths)


@unless_idle
def require_guide_reader(content) -> None:
    """content_object_init: a page must come from the guide's Markdown reader."""
    if isinstance(content, Page) and not hasattr(content, "sortorder"):
        report.error(
            content.source_path, "is not a Markdown page (.md, .markdown); the guide reads only those"
        )
        content.guide_invalid = True


@unless_idle
def order_pages(generator) -> None:
    """page_generator_finalized: rules across pages, then the guide's order and navigation."""
    state = state_of(generator.settings)
    config = state.config
    for name in ("pages", "hidden_pages", "draft_pages"):
        setattr(
            generator,
            name,
            [page for page in getattr(generator, name) if not getattr(page, "guide_invalid", False)],
        )
    pages, hidden = generator.pages, generator.hidden_pages
    # `lang` sets a page's <html lang>; Pelican would also move a page in another language
    # to PAGE_LANG_SAVE_AS, or hide it as a translation of a page with its slug.
    for name in ("translations", "hidden_translations"):
        for page in getattr(generator, name):
            others = [other for other in (*pages, *hidden) if other.slug == page.slug]
            of = f" of {report.display_path(others[0].source_path)}" if others else ""
            report.error(
                page.source_path,
                f"has the slug {page.slug}{of}, in another language (lang {page.lang}); "
                "the guide writes each page at its own slug, whatever its language: give it its own",
            )
        setattr(generator, name, [])
    # A {static} link that leaves the content folder must never be copied (the links
    # step names the page); Pelican has listed it among the files to copy.
    static_links = generator.context.get("static_links", set())
    for link in [link for link in static_links if link.startswith("..") or os.path.isabs(link)]:
        static_links.discard(link)

    for group in ties(pages):
        others = " and ".join(report.display_path(page.source_path) for page in group[1:])
        report.warning(
            group[0].source_path,
            f"shares its place ({group[0].sortorder}) with {others}; they are ordered by slug "
            f"({', '.join(page.slug for page in group)}): give each its own sortorder",
        )
    for number in sorted({page.sortorder.chapter for page in pages if not is_home(page)}):
        members = [page for page in pages if page.sortorder.chapter == number]
        if not any(page.toc for page in members) and number not in config.chapters:
            report.warning(
                members[0].source_path,
                f"sortorder puts it in chapter {number}, which has no `toc: true` page and no title in "
                f'GUIDE_CHAPTERS; its sidebar heading reads "Chapter {number}"',
            )
    unused_chapters(generator.settings, config, pages)

    for page in (*pages, *hidden):
        # Pelican works a page's URL and file name out of the settings on every use; the
        # sidebars, links and keys use them thousands of times. The writer refuses two
        # files with one name itself. Every page is written at its slug, whatever its lang.
        page.in_default_lang = True
        page.override_url, page.override_save_as = page.url, page.save_as
    lap(state, "read")
    guide = Guide(pages, config.chapters, config.sections)
    positions = {id(entry.page): index for index, entry in enumerate(guide.reading_order)}
    for page in (*pages, *hidden):
        page.nav = guide.page_nav(page, positions.get(id(page)))
        page.stylesheet = state.styles.for_page(page._content)
        # A hidden page is written and reached by its address, and listed nowhere: not in
        # the sidebar, llms.txt, the search index or the sitemap, and it has no Markdown copy.
        page.listed = id(page) in positions
        page.markdown_url = markdown_copy(page) if config.llms_txt and page.listed else None
    state.guide = guide
    state.guide_pages, state.hidden_pages = pages, hidden
    generator.context.update(GUIDE=guide, GUIDE_SIDEBAR=guide.sidebar())
    lap(state, "navigation")
    if state.report.errors:
        state.reading.save(state.page_files)  # what was read stays read while the author fixes it
    stop_on_problems(state, "nothing was written", warnings_too=False)  # strict: once all are seen


def unused_chapters(settings, config, pages) -> None:
    """A GUIDE_CHAPTERS title for a chapter with no page is shown nowhere: a mistyped
    number, or a chapter since removed. When the site carries part of a complete guide
    (GUIDE_MISSING_PAGES_BASE), the other chapters are that guide's: one line with -v."""
    present = {page.sortorder.chapter for page in pages if not is_home(page)}
    unused = [number for number in config.chapters if number not in present]
    if not unused or not pages:
        return
    where = settings.get(SETTINGS_FILE) or "pelicanconf.py"
    if config.missing_pages_base:  # listed with -v, as the links that go to that guide
        numbers = ", ".join(map(str, unused))
        report.links_logger.info(
            "%s: GUIDE_CHAPTERS names chapters this site has no page in (%s); they are the complete guide's",
            report.display_path(where),
            numbers,
        )
        return
    for number in unused:
        report.warning(
            where,
            f"GUIDE_CHAPTERS names chapter {number} ({config.chapters[number]!r}), which has no page; "
            f"a page's sortorder starting with {number:02d} puts it there",
        )


@unless_idle
def check_static_files(generator) -> None:
    """static_generator_finalized: copy nothing from outside the content folder, and no page
    source (articles.py)."""
    root = os.path.realpath(generator.path)
    kept = []
    for static in generator.staticfiles:
        real = os.path.realpath(static.source_path)
        if os.path.commonpath([real, root]) != root or not os.path.exists(real):
            what = (
                f"is a link to {real}, outside the content folder"
                if os.path.exists(real)
                else "is a broken link"
            )
            report.error(static.source_path, f"{what}; it is not copied")
            generator.context["static_content"].pop(static.get_relative_source_path(), None)
            continue
        refused = articles.refusal(static.get_relative_source_path(), generator.settings["PAGE_PATHS"])
        if refused:  # its source would be published as it is
            report.error(static.source_path, refused)
            continue
        kept.append(static)
    generator.staticfiles = kept
    generator.context["staticfiles"] = kept
    previous = generator.settings.get(PREVIOUS_SITE) or generator.output_path
    generator._link_or_copy_staticfile = functools.partial(copy_static_file, generator, previous)


def copy_static_file(generator, previous: str, static) -> None:
    """A file of the content folder into the site: linked from the previous site when that
    copy has the source's size and time (shutil.copy2 keeps the time), else copied."""
    source = os.path.join(generator.path, static.source_path)
    target = sanitised_join(generator.output_path, static.save_as)
    old = os.path.join(previous, static.save_as)
    try:
        mine, theirs = os.stat(source), os.stat(old)
        same = (mine.st_size, mine.st_mtime_ns) == (theirs.st_size, theirs.st_mtime_ns)
    except OSError:
        same = False
    if same and os.path.realpath(old) == os.path.realpath(target):
        return  # writing in place, and the file is already there
    if same:
        link_or_copy(old, target)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)


@unless_idle
def settle_links(generators) -> None:
    """all_generators_finalized: every output planned, collisions refused, links settled,
    dates and edit links worked out. The last stop before anything is written."""
    settings = generators[0].settings
    state = state_of(settings)
    config = state.config
    if state.guide is None:
        return
    planned: dict[str, str] = {}
    folded: dict[str, str] = {}  # each path in lower case -> the path planned

    def plan(path: str, source: str) -> None:
        """One output file and the source that makes it; two sources for one file, or two
        files that differ only in case (one replaces the other on macOS and Windows), are
        errors naming both."""
        if path in planned:
            if planned[path] != source:
                report.error(
                    source,
                    f"would be written to {path}, "
                    f"which {report.display_path(planned[path])} writes too; rename one",
                )
            return
        other = folded.get(path.lower())
        if other is not None:
            by = (
                "it also writes"
                if planned[other] == source
                else f"{report.display_path(planned[other])} writes"
            )
            report.error(
                source,
                f"would be written to {path}, which differs only in case from {other}, which {by}; "
                "on a case-insensitive file system (macOS, Windows) one replaces the other: rename one",
            )
        planned[path] = source
        folded.setdefault(path.lower(), path)

    theme = settings["THEME"]
    for name in settings["DIRECT_TEMPLATES"]:
        plan(settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html"), f"{theme}/templates/{name}.html")
    plan(SCRIPT, f"{theme}/{SCRIPT_SOURCE}")
    if state.guide.home is None:  # the theme's own home page (generator.py)
        plan(HOME_PAGE, f"{theme}/templates/{HOME_TEMPLATE}.html")
    if config.search:
        plan(SEARCH_PAGE, f"{theme}/templates/search.html")
        plan(SEARCH_FOLDER + "/", "the search index")
    if config.llms_txt:
        plan(LLMS_TXT, "the guide plugin's llms.txt")
    if config.publish:
        for name in PUBLISHING_FILES:
            plan(name, "the guide plugin's publishing files")
    for name in editions.planned(config):
        plan(name, "the guide plugin's editions (GUIDE_EDITIONS)")
    plan(STAMP, "the guide plugin's stamp")
    pages = [*state.guide_pages, *state.hidden_pages]
    for page in pages:
        plan(page.save_as, page.source_path)
        if page.markdown_url:
            plan(page.markdown_url, page.source_path)
    state.redirects = {}
    for page in pages:
        for alias in page.aliases:
            path = alias_save_as(settings, alias)
            plan(path, page.source_path)
            state.redirects[path] = page.save_as
    for generator in generators:
        for static in getattr(generator, "staticfiles", ()):
            plan(static.save_as, static.source_path)
            if static.save_as.split("/", 1)[0] == SEARCH_FOLDER and config.search:
                report.error(static.source_path, f"is in {SEARCH_FOLDER}/, which the search index replaces")
    state.theme_pages = [path for path, source in planned.items() if source.startswith(f"{theme}/templates/")]

    state.context_names = set(generators[0].context)
    files = state.planned_files = {path for path in planned if not path.endswith("/")}
    relative = {id(page): content_relative(page.source_path, settings["PATH"]) for page in pages}
    sources = state.page_sources = {relative[id(page)]: page.save_as for page in pages}
    lap(state, "static files")
    settler = LinkSettler(files, sources, config.missing_pages_base, state.reading.memo)
    memo_before = {path: entry[0] for path, entry in state.reading.memo.items()}
    for page in pages:
        settler.settle(page, page.source_path, relative[id(page)])
    state.sent_links = settler.sent
    report_sent(state, settler.sent_to_full_guide)
    state.reported_links = settler.reported
    memo_changed = any(memo_before.get(path) != entry[0] for path, entry in state.reading.memo.items())
    resident = bool(settings.get(RESIDENT))
    state.reading.save(state.page_files, memo_changed, resident)
    if not resident:
        state.reading.release()

    lap(state, "links")
    where = repository(settings["PATH"])
    if where.problem:
        report.warning(settings["PATH"], f'"Last updated" dates are left out: {where.problem}')
    dates = last_commit_dates(
        settings["PATH"], where, settings.get("CACHE_PATH") if config.cache else None, state.caches
    )
    latest = source_date_epoch()
    top = where.top
    for page in pages:
        updated = dates.get(os.path.realpath(page.source_path)) if dates else None
        page.updated = min(updated, latest) if updated and latest else updated
        if config.source_url:
            relative = os.path.relpath(
                os.path.realpath(page.source_path), top or os.path.realpath(settings["PATH"])
            )
            page.edit_url = edit_address(config.source_url, relative)
        else:
            page.edit_url = None
    lap(state, "git dates")
    if config.publish and config.placeholder_url:
        report.warning(
            "publishconf.py",
            f"the site's address {config.public_url} is a placeholder: "
            "set SITEURL to where the site is served",
        )
    stop_on_problems(state, "nothing was written")
    if config.editions:
        make_editions(generators, state)


def make_editions(generators, state) -> None:
    """The EPUB and print.html, from the settled pages, before anything is rendered: the
    contents pages give the EPUB's size."""
    settings, context = generators[0].settings, generators[0].context
    sources = {
        static.save_as: os.path.join(settings["PATH"], static.source_path)
        for generator in generators
        for static in getattr(generator, "staticfiles", ())
    }
    render = editions.renderer(generators[0].env, context, settings)
    made = editions.make(
        settings, state.config, state.guide, state.planned_files, sources.get, render, state.reported_links
    )
    editions.write(settings["OUTPUT_PATH"], made)
    state.editions, context["GUIDE_DOWNLOADS"] = made, made.downloads
    lap(state, "editions")


def report_sent(state, count: int) -> None:
    """How many links go to the complete guide, in one line (-v lists each instead)."""
    state.report.sent_to_full_guide = count
    if count and not report.links_logger.isEnabledFor(logging.INFO):
        report.logger.info(
            "%d %s to the complete guide; -v lists them", count, "link goes" if count == 1 else "links go"
        )


def content_relative(path: str, folder: str) -> str:
    """A source path relative to the content folder, with "/" (Pelican's paths are inside it)."""
    prefix = os.path.join(folder, "")
    relative = path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, folder)
    return relative.replace(os.sep, "/")


@unless_idle
def guide_writer(pelican):
    """get_writer: the incremental writer."""
    return GuideWriter


@unless_idle
def finish(pelican) -> None:
    """finalized: render what changed, check the written site while Pagefind indexes it,
    then the publishing files, the stamp, and one summary line."""
    settings = pelican.settings
    state = state_of(settings)
    try:
        if state.writer is None or state.guide is None:
            return
        config = state.config
        output = pelican.output_path
        lap(state, "writing templates")
        state.writer.flush()
        lap(state, "rendering")
        indexing = start_search(settings, state, output)
        check = site_check(
            settings, state, output, workers=max(1, config.workers - 1) if indexing else config.workers
        )
        try:
            errors, warnings = check.run_pages()
            lap(state, "check")
        finally:
            failed = indexing.wait() if indexing else None
            if indexing:
                state.counts["search_seconds"] = time.perf_counter() - state.counts.pop("search_started")
                state.counts["search_shards_indexed"] = len(indexing.shards)
            lap(state, "search index")
        if failed:
            report.error(output, f"the search index could not be built: {failed}")
        elif config.search:
            search.write_manifest(output, state.search_shards, state.search_stale)
            if state.search_stale:  # the devserver indexes them after the reload
                settings[search.PENDING] = search.pending(state, settings)
        more_errors, more_warnings = check.settle()
        report_check(errors + more_errors, warnings + more_warnings)
        state.counts["checked"] = check.checked
        lap(state, "links settled")
        stop_on_problems(state, "the site was not swapped in")
        if config.publish:
            contents = [path for path in (*CONTENTS_PAGES, HOME_PAGE) if path in state.theme_pages]
            contents += [path for path in editions.planned(config) if path.endswith(".epub")]
            state.counts["sitemap"] = write_publishing_files(
                output, config.public_url, state.guide_pages, contents
            )
            precompress(output, config.precompress)
        build_id = state.writer.finish()
        # Which source each page came from, for `make linkcheck`'s report.
        record_sources(settings, state, output, build_id)
        lap(state, "publishing")
        keep_snapshot(settings, state, output, build_id)
        save_timings(settings, state)
        print(summary(state), flush=True)
    finally:
        end(settings)


def record_sources(settings, state, output: str, build_id: str) -> None:
    """Which source each page came from, for `make linkcheck`'s report (linkcheck/sources.py)."""
    live = settings.get(PREVIOUS_SITE) or output
    save_page_sources(
        state.caches, settings["CACHE_PATH"], live, build_id, [*state.guide_pages, *state.hidden_pages]
    )


def keep_snapshot(settings, state, output: str, build_id: str) -> None:
    """What the next build needs to rebuild a body edit quickly (snapshot.py, quick.py).
    A quick build hands the pages it did not read over as snapshot records already."""
    config = state.config
    if (
        not config.cache
        or config.publish
        or config.editions  # a quick build makes no editions: the next build is a full one
        or not settings.get("CACHE_PATH")
        or state.content_stamps is None
    ):
        return
    live = settings.get(PREVIOUS_SITE) or output
    pages = [(page, True) for page in state.guide_pages] + [(page, False) for page in state.hidden_pages]
    records = {
        page.source_path: page
        if isinstance(page, snapshot.PageRecord)
        else snapshot.record_of(page, facts_of(page, listed))
        for page, listed in pages
    }
    snapshot.save(
        snapshot.path_for(settings["CACHE_PATH"], live),
        snapshot.Snapshot(
            build=build_id,
            global_key=state.writer.global_key,
            head=repository(settings["PATH"]).head,
            latest=os.environ.get("SOURCE_DATE_EPOCH"),
            content=state.content_stamps,
            records=records,
            keys=dict(state.writer.keys),
            files=frozenset(state.planned_files),
            sources=state.page_sources,
            theme_pages=state.theme_pages,
            redirects=state.redirects,
            reported=set(state.reported_links),
            context=frozenset(state.context_names),
            lines=list(state.report.lines),
            articles=state.article_keys,
            sent=state.sent_links,
        ),
        state.caches,
        resident=bool(settings.get(RESIDENT)),
    )


def report_check(errors, warnings) -> None:
    """The check's lines, each with the page it is about (report.PAGE)."""
    for level, lines in ((logging.ERROR, errors), (logging.WARNING, warnings)):
        for page, line in lines:
            report.logger.log(level, "%s", line, extra={report.PAGE: page} if page else None)


def start_search(settings, state, output: str):
    """The search index's shards: those the previous site holds unchanged are linked, the
    others indexed in the background (None when there are none). The devserver links
    stale shards too and indexes them after the reload (search.PENDING)."""
    if not state.config.search:
        return None
    # The pages of the guide; a hidden page is listed nowhere, the search index included.
    state.article_keys = {
        page.save_as: article_key(state.writer.global_key, page) for page in state.guide_pages
    }
    state.search_shards = search.plan(state.article_keys, state.config.search_shard_pages)
    previous = settings.get(PREVIOUS_SITE) or output
    later = bool(settings.get(search.INDEX_LATER))
    state.counts["search_started"] = time.perf_counter()
    state.search_scratch = search.scratch_folder(settings, previous)
    indexing, state.search_stale = search.start(
        output, previous, state.search_shards, state.search_scratch, search.language(settings), later
    )
    if not indexing:
        state.counts.pop("search_started")
    return indexing


def site_check(settings, state, output: str, workers: int) -> SiteCheck:
    facts = {page.source_path: facts_of(page, True) for page in state.guide_pages}
    facts.update({page.source_path: facts_of(page, False) for page in state.hidden_pages})
    previous = settings.get(PREVIOUS_SITE) or output
    return site_check_of(
        settings,
        state,
        output,
        previous,
        facts,
        state.theme_pages,
        state.redirects,
        state.reported_links,
        workers,
    )


def site_check_of(
    settings, state, output: str, previous: str, facts: dict, theme_pages, redirects, reported, workers: int
) -> SiteCheck:
    """The check of the site written to `output`, which replaces `previous`; `facts` by source."""
    config = state.config
    store = None
    if config.cache:  # what passed in the builds of this output folder
        store = os.path.join(
            os.path.abspath(settings["CACHE_PATH"]), f"guide-check-{digest(os.path.realpath(previous))}.json"
        )
    return SiteCheck(
        output=output,
        store=store,
        caches=state.caches,
        load=bool(settings.get("LOAD_CONTENT_CACHE")),
        siteurl=settings.get("SITEURL", ""),
        sitename=settings["SITENAME"],
        public_url=config.public_url,
        pages=[item for item in facts.values() if item.listed],
        hidden=[item for item in facts.values() if not item.listed],
        chapters=config.chapters,
        sections=config.sections,
        theme_pages=theme_pages,
        redirects=redirects,
        reported=reported,
        workers=workers,
        editions=editions.facts(config, settings) if config.editions else None,
    )


def save_timings(settings, state) -> None:
    """Where this build's time went, by phase, beside the cache (`make bench` reads it)."""
    if state.config.cache and settings.get("CACHE_PATH"):
        figures = {
            **state.timings,
            "total": time.perf_counter() - state.started,
            "rendered": state.writer.rendered,
            "reused": state.writer.reused,
            **state.counts,
        }
        state.caches.save(
            os.path.join(os.path.abspath(settings["CACHE_PATH"]), "guide-timings.json"), "timings", figures
        )


def summary(state) -> str:
    writer = state.writer
    counted = state.report
    figures = [
        report.plural(len(state.guide_pages), "page"),
        f"{report.plural(writer.rendered, 'file')} rendered, {writer.reused} reused, "
        f"{state.counts.get('checked', 0)} checked",
        report.plural(counted.warnings, "warning"),
        report.plural(counted.errors, "error"),
    ]
    if counted.sent_to_full_guide:
        figures.append(f"{report.plural(counted.sent_to_full_guide, 'link')} to the complete guide")
    return f"guide: {', '.join(figures)}, in {time.perf_counter() - state.started:.2f} s"


def stop_on_problems(state, consequence: str, warnings_too: bool = True) -> None:
    counted = state.report
    if counted.errors:
        raise GuideBuildFailed(f"{report.plural(counted.errors, 'error')}; {consequence}")
    if warnings_too and state.config.strict and counted.warnings:
        raise GuideBuildFailed(
            f"strict mode: {report.plural(counted.warnings, 'warning')} count as errors; {consequence}"
        )
