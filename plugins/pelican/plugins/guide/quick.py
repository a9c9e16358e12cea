"""Quick builds: an edit to page bodies rebuilt without Pelican's whole pipeline.

After a one-page edit most of a full build goes to work over every page of the guide:
Pelican builds a page object for each, orders them, plans every file; the writer links
the unchanged files. When the last build's snapshot (snapshot.py) says that nothing but
some pages' files changed since, and those pages, read again, differ only in what their
body gives (their text, headings and description), the quick build does for those pages
alone what the full build does: their links are settled, their files rendered with the
same templates, variables and keys, checked, and their search shard indexed again; every
other file is linked from the previous site, and the report says again what the last
build said of the other pages. The site is the one a full build writes, byte for byte
(tests/test_quick.py compares them). Anything else (a new, removed or renamed file, a
changed field, a setting, the theme, the git commit, a problem in an edited page, a
theme that reads a variable this build does not give) makes it a full build.
"""

from __future__ import annotations

import copy
import os
import re
import time

from jinja2 import meta
from pelican.contents import Page

from . import report, search, snapshot
from .caches import CacheFiles
from .check import SiteCheck, facts_of
from .files import STAMP, link_or_copy, read_stamp
from .generator import GuideGenerator, alias_save_as, llms_file, markdown_copy, markdown_file
from .gitdates import repository
from .links import LinkSettler
from .navigation import Guide
from .plugin import (
    configure_generator,
    keep_snapshot,
    record_sources,
    report_check,
    report_sent,
    save_timings,
    site_check_of,
    stop_on_problems,
    summary,
)
from .reader import EXTENSIONS as READER_EXTENSIONS
from .reader import GuideMarkdownReader
from .reading import make_markdown, published_body, read_page
from .settings import guide_config
from .state import CACHE_FILES, begin, end
from .theme import Stylesheets, theme_ids
from .writer import article_key, data_key, finish_site, global_key, manifest_path, page_key, render_file

# Pelican's own link placeholders ({index}, {tag}...) that only its content objects
# replace; the guide's links step settles {filename}, {static} and {attach}.
_PELICAN_PLACEHOLDER = re.compile(r"""=\s*["']\s*[{|](?!(?:filename|static|attach)[}|])\w+[}|]""")
# What Pelican's run gives every template besides the settings (Pelican.run).
_RUN_CONTEXT = ("generated_content", "static_links", "static_content", "localsiteurl")


class _Answers:
    """The reader's source of pages (reader.py asks `state.reading.get`): the pages this
    build has just read, without their notes (reported once this build is sure to be quick)."""

    def __init__(self, reads: dict):
        self.reads = reads

    def get(self, path: str):
        return self.reads[path]._replace(notes=())


def plan(settings, output: str, caches: CacheFiles):
    """(snapshot, {source: page read}, content stamps) when a quick build can rebuild the
    site at `output`, else None (-D says why). Reads the edited pages; writes nothing."""
    config = guide_config(settings)
    if (
        not (config.cache and settings.get("CACHE_PATH") and settings.get("LOAD_CONTENT_CACHE"))
        or config.publish
        or config.editions
    ):
        return _full("the cache is off, the site is published, or the editions are made")
    found = snapshot.load(snapshot.path_for(settings["CACHE_PATH"], output), caches)
    if found is None or read_stamp(output) != found.build:
        return _full("no snapshot of the site there")
    if global_key(settings) != found.global_key:
        return _full("the settings, the theme or the code changed")
    if os.environ.get("SOURCE_DATE_EPOCH") != found.latest or repository(settings["PATH"]).head != found.head:
        return _full("another git commit or SOURCE_DATE_EPOCH")
    stamps = snapshot.content_stamps(settings["PATH"], settings["IGNORE_FILES"])
    if stamps.keys() != found.content.keys():
        return _full("a file was added or removed")
    root = os.path.abspath(settings["PATH"])
    edited = [os.path.join(root, path) for path, stamp in stamps.items() if found.content[path] != stamp]
    if any(path not in found.records for path in edited):
        return _full("a file that is no page changed")
    markdown = make_markdown(settings)
    reserved = theme_ids(settings["THEME"])
    reads = {path: read_page(path, os.path.realpath(root), markdown, config, reserved) for path in edited}
    for path, read in reads.items():
        if not read.usable:
            return _full(f"{report.display_path(path)} has an error")
        if _PELICAN_PLACEHOLDER.search(read.html):
            return _full(f"{report.display_path(path)} has a link placeholder of Pelican's")
    return found, reads, stamps, markdown


def _full(reason: str) -> None:
    report.logger.debug("a full build: %s", reason)
    return


def rebuild(settings, staging: str, output: str) -> bool:
    """Build the site into `staging` quickly, if it can be; False (and nothing written)
    when a full build is needed."""
    started = time.perf_counter()
    caches = settings[CACHE_FILES] = CacheFiles()  # a full build after this warns once per file too
    planned = plan(settings, output, caches)
    if planned is None:
        return False
    found, reads, stamps, markdown = planned
    # Pelican's own readers, made with the generator, change MARKDOWN in place; a full build
    # after a quick one that gave up must see the settings as they were.
    own = {**settings, "MARKDOWN": copy.deepcopy(settings.get("MARKDOWN", {}))}
    state = begin(own)
    try:
        built = _rebuild(own, state, found, reads, stamps, markdown, staging, output, started)
    finally:
        end(own)
    if search.PENDING in own:
        settings[search.PENDING] = own[search.PENDING]
    return built


def _rebuild(settings, state, found, reads, stamps, markdown, staging, output, started) -> bool:
    config = state.config
    state.styles = Stylesheets(settings["THEME"], config)
    context = settings.copy()
    context.update(
        generated_content={}, static_links=set(), static_content={}, localsiteurl=settings["SITEURL"]
    )
    generator = GuideGenerator(context, settings, settings["PATH"], settings["THEME"], staging)
    configure_generator(generator)
    for extension in READER_EXTENSIONS:
        generator.readers.readers[extension] = GuideMarkdownReader(settings)
    state.reading = _Answers(reads)

    # The edited pages, as Pelican's page generator makes them (its metadata processing
    # included); a page whose fields changed is a full build.
    records = dict(found.records)
    edited = []
    for path in reads:
        page = generator.readers.read_file(
            settings["PATH"], os.path.relpath(path, settings["PATH"]), content_class=Page, context=context
        )
        old = records[path]
        if snapshot.identity(page.metadata) != old.identity or page.get_static_links() - found.files:
            return _full(f"{report.display_path(path)} has other fields or files") or False
        page.override_url, page.override_save_as = page.url, page.save_as
        page.updated, page.edit_url, page.listed = old.updated, old.edit_url, old.listed
        page.markdown_url = markdown_copy(page) if config.llms_txt and page.listed else None
        records[path] = page
        edited.append((page, old))
    state.guide_pages = [records[path] for path in records if found.records[path].listed]
    state.hidden_pages = [records[path] for path in records if not found.records[path].listed]
    guide = state.guide = Guide(state.guide_pages, config.chapters, config.sections)
    positions = {id(entry.page): index for index, entry in enumerate(guide.reading_order)}
    if any(page.description != old.description and guide.summarised(page) for page, old in edited):
        return _full("a chapter's line on the home page changed") or False
    context.update(GUIDE=guide, GUIDE_SIDEBAR=guide.sidebar())
    if _lacks_what_templates_read(generator, [page.template for page, _ in edited], found.context):
        return _full("a template reads a variable of Pelican's that a quick build does not give") or False
    root = os.path.abspath(settings["PATH"])

    # Replayed: what the last build said of every page not read again, and of the guide.
    shown = {report.display_path(page.source_path) for page, _ in edited}
    for level, line, about in found.lines:
        if about not in shown:
            report.logger.log(level, "%s", line, extra={report.PAGE: about} if about else None)
    sent = {path: messages for path, messages in found.sent.items() if path not in reads}
    for path, messages in sent.items():
        for message in messages:
            report.links_logger.info("%s: %s", report.display_path(path), message)

    settler = LinkSettler(set(found.files), found.sources, config.missing_pages_base)
    base = found.global_key
    keys = dict(found.keys)
    written: set[str] = set()
    relative = settings["RELATIVE_URLS"]
    for page, _old in edited:
        for note in reads[page.source_path].notes:
            (report.error if note.level == "error" else report.warning)(
                page.source_path, note.message, page=True
            )
        settler.settle(page, page.source_path, os.path.relpath(page.source_path, root).replace(os.sep, "/"))
        page.nav = guide.page_nav(page, positions.get(id(page)))
        page.stylesheet = state.styles.for_page(page._content)
        template = generator.get_template(page.template)
        jobs = [(page.save_as, template)]
        jobs += [
            (alias_save_as(settings, alias), generator.get_template("redirect")) for alias in page.aliases
        ]
        for name, used in jobs:
            keys[name] = page_key(base, name, used.name, page)
            render_file(staging, name, used, context, relative, {"page": page}, in_place=False)
            written.add(name)
        if page.markdown_url:  # a hidden page has no copy
            name, source_key, make = markdown_file(
                page, lambda page=page: published_body(page.source_path, markdown)
            )
            keys[name] = data_key(base, name, source_key)
            _write(staging, name, make())
            written.add(name)
    if config.llms_txt and any(page.description != old.description for page, old in edited):
        name, source_key, make = llms_file(settings, guide, config.public_url)
        keys[name] = data_key(base, name, source_key)
        _write(staging, name, make())
        written.add(name)
    state.sent_links = {**sent, **settler.sent}
    report_sent(state, sum(len(messages) for messages in state.sent_links.values()))
    stop_on_problems(state, "nothing was written")  # as a full build stops before writing

    # The search shards of the edited pages, indexed while the rest is linked and checked.
    indexing = None
    if config.search:
        state.article_keys = dict(found.articles)
        state.article_keys.update(
            {page.save_as: article_key(base, page) for page, old in edited if old.listed}
        )
        state.search_shards = search.plan(state.article_keys, config.search_shard_pages)
        state.counts["search_started"] = time.perf_counter()
        state.search_scratch = search.scratch_folder(settings, output)
        later = bool(settings.get(search.INDEX_LATER))
        indexing, state.search_stale = search.start(
            staging, output, state.search_shards, state.search_scratch, search.language(settings), later
        )
    files = _link_the_rest(output, staging, written)

    facts = {path: record.facts for path, record in found.records.items()}
    for page, old in edited:
        facts[page.source_path] = facts_of(page, old.listed)
    reported = {
        pair for pair in found.reported if pair[0] not in {page.save_as for page, _ in edited}
    } | settler.reported
    check: SiteCheck = site_check_of(
        settings,
        state,
        staging,
        output,
        facts,
        found.theme_pages,
        found.redirects,
        reported,
        workers=1 if indexing else config.workers,
    )
    try:
        errors, warnings = check.run_pages(only=written, files=files)
    finally:
        failed = indexing.wait() if indexing else None
        if indexing:
            state.counts["search_seconds"] = time.perf_counter() - state.counts.pop("search_started")
            state.counts["search_shards_indexed"] = len(indexing.shards)
    if failed:
        report.error(staging, f"the search index could not be built: {failed}")
    elif config.search:
        search.write_manifest(staging, state.search_shards, state.search_stale)
        if state.search_stale:
            settings[search.PENDING] = search.pending(state, settings)
    more_errors, more_warnings = check.settle(files | _index_files(staging) | {STAMP}, only=written)
    report_check(errors + more_errors, warnings + more_warnings)
    state.counts["checked"] = check.checked
    stop_on_problems(state, "the site was not swapped in")

    build_id = finish_site(staging, manifest_path(settings, output), keys, state.caches)
    state.planned_files, state.page_sources, state.content_stamps = set(found.files), found.sources, stamps
    state.theme_pages, state.redirects, state.reported_links = found.theme_pages, found.redirects, reported
    state.context_names = found.context
    state.writer = _Written(base, keys, len(written))
    record_sources(settings, state, staging, build_id)
    keep_snapshot(settings, state, staging, build_id)
    state.counts["quick"] = 1
    state.timings["quick"] = time.perf_counter() - started
    save_timings(settings, state)
    print(summary(state), flush=True)
    return True


class _Written:
    """What the summary line and the snapshot read of a writer."""

    def __init__(self, base: str, keys: dict, rendered: int):
        self.global_key = base
        self.keys = keys
        self.rendered = rendered
        self.reused = len(keys) - rendered


def _write(staging: str, name: str, data: bytes) -> None:
    path = os.path.join(staging, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as written:
        written.write(data)


def _link_the_rest(previous: str, staging: str, written: set[str]) -> set[str]:
    """Every file of the previous site this build did not write, linked into the new one
    (the search index's shards are search.start's); every site path of the new site but
    the search index's."""
    files = set(written)
    for folder, folders, names in os.walk(previous):
        relative = os.path.relpath(folder, previous)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        if not prefix:
            folders[:] = [name for name in folders if name != search.FOLDER]
        target = os.path.join(staging, relative)
        os.makedirs(target, exist_ok=True)
        for name in names:
            path = prefix + name
            if path not in written and name != STAMP:
                try:
                    os.link(os.path.join(folder, name), os.path.join(target, name))
                except OSError:
                    link_or_copy(os.path.join(folder, name), os.path.join(target, name))
                files.add(path)
    return files


def _index_files(site: str) -> set[str]:
    return {
        os.path.relpath(os.path.join(folder, name), site).replace(os.sep, "/")
        for folder, _, names in os.walk(os.path.join(site, search.FOLDER))
        for name in names
    }


def _lacks_what_templates_read(generator, names, full_context) -> bool:
    """Whether the page templates (and all they extend or include) read a variable that a
    full build gives them (`full_context`, its names) and this one does not: `articles`,
    say. A variable neither gives, or one a template sets, reads the same in both."""
    given = (
        set(generator.context)
        | set(generator.env.globals)
        | {"page", "output_file", "SITEURL", *_RUN_CONTEXT}
    )
    read, seen = set(), set()
    todo = [generator.get_template(name).name for name in (*names, "redirect")]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = generator.env.parse(generator.env.loader.get_source(generator.env, name)[0])
        read |= meta.find_undeclared_variables(tree)
        todo += [found for found in meta.find_referenced_templates(tree) if found]
    return bool(read & (set(full_context) - given))
