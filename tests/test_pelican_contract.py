"""What the guide relies on in Pelican where Pelican gives no public way, pinned: each test
fails on a Pelican release that changes the behaviour, naming the module that relies on it
(docs/content/pages/07-contributing/how-it-is-built.md lists them)."""

from __future__ import annotations

import copy
import logging
import os
import pickle
import sys
from pathlib import Path

from pelican import signals
from pelican.contents import Page, Static
from pelican.generators import PagesGenerator, StaticGenerator
from pelican.log import LimitFilter
from pelican.plugins.guide import pagecache
from pelican.plugins.guide.links import PLACEHOLDER_ATTRIBUTES
from pelican.plugins.guide.plugin import IDLE
from pelican.settings import DEFAULT_CONFIG, read_settings


def settings_for(tmp_path: Path, **more) -> dict:
    """Pelican's own settings, the guide's handlers idle: another test of the same process may
    have registered them (a build run in-process), and Pelican alone is under test here."""
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings.update(
        PATH=str(tmp_path / "content"),
        OUTPUT_PATH=str(tmp_path / "output"),
        CACHE_PATH=str(tmp_path / "cache"),
        PLUGINS=[],
        **more,
    )
    settings[IDLE] = True
    return settings


def pages_generator(settings, context) -> PagesGenerator:
    return PagesGenerator(
        context=context,
        settings=settings,
        path=settings["PATH"],
        theme=settings["THEME"],
        output_path=settings["OUTPUT_PATH"],
    )


def test_links_settles_placeholders_in_every_attribute_pelican_rewrites():
    """links.py: Pelican replaces {filename} in an attribute whose name ends with one of
    these, and in no other (the links step settles the same ones)."""
    candidates = (*PLACEHOLDER_ATTRIBUTES, "srcset", "background", "longdesc", "value", "data-src", "xsrc")
    settings = copy.deepcopy(DEFAULT_CONFIG)
    target = Page("", {"title": "T", "slug": "t"}, settings=settings, source_path="t.md")
    context = {"generated_content": {"t.md": target}, "static_content": {}, "localsiteurl": ""}
    replaced = set()
    for name in candidates:
        page = Page(
            f'<x {name}="{{filename}}/t.md">',
            {"title": "P", "slug": "p"},
            settings=settings,
            source_path="p.md",
            context=context,
        )
        if "{filename}" not in page.content:
            replaced.add(name)
    ending = {name for name in candidates if any(name.endswith(word) for word in PLACEHOLDER_ATTRIBUTES)}
    assert replaced == ending


def test_a_pages_body_is_its__content_and_its_context__context():
    """The guide settles links in `_content` (links.py), which Pelican renders `content`
    from; a page from Pelican's cache gets this build's context in `_context` (pagecache.py),
    where Pelican resolves placeholders and finds the page's SITEURL."""
    settings = copy.deepcopy(DEFAULT_CONFIG)
    context = {"generated_content": {}, "static_content": {}, "localsiteurl": "old"}
    page = Page(
        "<p>text</p>", {"title": "P", "slug": "p"}, settings=settings, source_path="p.md", context=context
    )
    assert page._content == "<p>text</p>" and page._context is context
    page._content = '<a href="{index}">home</a>'
    page._context = {**context, "localsiteurl": "https://new.example.org"}
    assert page.content == '<a href="https://new.example.org/index.html">home</a>'


def test_pelicans_content_cache_is_where_pagecache_finds_it(tmp_path):
    """pagecache.py: a caching generator's file is CACHE_PATH/<its class name>; it is loaded
    after generator_init (a file removed then is not loaded), saved by the time
    page_generator_finalized is sent, and get_cached_data gives back the Page it keeps,
    with the context of the build that made it."""
    (tmp_path / "content" / "pages").mkdir(parents=True)
    (tmp_path / "content" / "pages" / "a.md").write_text("Title: A\n\nText.\n")
    settings = settings_for(tmp_path, CACHE_CONTENT=True, CONTENT_CACHING_LAYER="generator", GZIP_CACHE=False)
    settings["LOAD_CONTENT_CACHE"] = True
    seen = {}

    def finalized(generator):
        seen["saved"] = os.path.exists(Path(settings["CACHE_PATH"]) / "PagesGenerator")

    signals.page_generator_finalized.connect(finalized)
    try:
        context = {**settings, "generated_content": {}, "static_content": {}, "static_links": set()}
        first = pages_generator(settings, context)
        first.generate_context()
    finally:
        signals.page_generator_finalized.disconnect(finalized)
    assert seen["saved"] and set(pagecache.FILES) >= {"PagesGenerator"}
    cached = Path(settings["CACHE_PATH"]) / "PagesGenerator"
    assert pickle.loads(cached.read_bytes())["pages/a.md"][1].title == "A"

    again = pages_generator(settings, dict(context))
    page = again.get_cached_data("pages/a.md", None)
    assert isinstance(page, Page) and page.title == "A" and page._context is not again.context

    def remove(generator):
        if isinstance(generator, PagesGenerator):
            cached.unlink()

    signals.generator_init.connect(remove)
    try:
        emptied = pages_generator(settings, dict(context))
    finally:
        signals.generator_init.disconnect(remove)
    assert emptied.get_cached_data("pages/a.md", None) is None


def test_pelican_leaves_a_static_copy_that_is_not_older_than_its_source(tmp_path):
    """staticfiles.py: with STATIC_CHECK_IF_MODIFIED, a copy already in the output that is
    not older than its source is left as it is (never written into: the guide links it from
    the previous site); an older one is replaced."""
    content = tmp_path / "content"
    (content / "img").mkdir(parents=True)
    (content / "img" / "a.png").write_bytes(b"new")
    settings = settings_for(tmp_path, STATIC_PATHS=["img"], STATIC_CHECK_IF_MODIFIED=True)
    output = tmp_path / "output" / "img"
    output.mkdir(parents=True)
    copy_path = output / "a.png"
    for older, expected in ((False, b"kept"), (True, b"new")):
        copy_path.unlink(missing_ok=True)
        copy_path.write_bytes(b"kept")
        source_time = (content / "img" / "a.png").stat().st_mtime
        os.utime(copy_path, (source_time - 10 if older else source_time + 10,) * 2)
        context = {**settings, "generated_content": {}, "static_content": {}, "static_links": set()}
        generator = StaticGenerator(
            context=context,
            settings=settings,
            path=settings["PATH"],
            theme=settings["THEME"],
            output_path=settings["OUTPUT_PATH"],
        )
        generator.generate_context()
        assert all(isinstance(static, Static) for static in generator.staticfiles)
        generator.generate_output(None)
        assert copy_path.read_bytes() == expected


def test_pelican_says_a_line_once_per_process_unless_its_limit_filter_is_cleared(caplog):
    """build.py: Pelican's loggers drop a warning said once before in the process; the
    devserver's builds clear LimitFilter._raised_messages to say each build's afresh."""
    logger = logging.getLogger("pelican.contract-test")
    with caplog.at_level(logging.WARNING):
        logger.warning("the same line")
        logger.warning("the same line")
        assert caplog.text.count("the same line") == 1
        LimitFilter._raised_messages.clear()
        logger.warning("the same line")
        assert caplog.text.count("the same line") == 2


def test_pelicans_command_line_keeps_its_settings_file_loaded_as_a_module(tmp_path):
    """sitesettings.py: under plain `pelican`, PLUGINS as the site wrote it is read from the
    settings module Pelican's read_settings loaded (by its file's name) and its -e settings
    (get_config)."""
    conffile = tmp_path / "contractconf.py"
    conffile.write_text('PLUGINS = ["guide"]\nSITENAME = "S"\n')
    read_settings(str(conffile))
    assert sys.modules["contractconf"].PLUGINS == ["guide"]
    assert Path(sys.modules["contractconf"].__file__).resolve() == conffile.resolve()
    from pelican import get_config, parse_arguments

    args = parse_arguments(["content", "-s", str(conffile), "-e", 'PLUGINS=["x"]'])
    assert args.settings == str(conffile) and get_config(args)["PLUGINS"] == ["x"]
    # Pelican loads every namespace plugin when PLUGINS is unset: its documented behaviour,
    # which test_packaging.py's site that never asked for the guide shows.


def test_pelican_remembers_contents_in_a_cache_the_devserver_can_clear():
    """pagecache.let_go: Page.get_content and get_summary keep each page they answered for
    (and its context) in the dict `cache` of Pelican's memoized; clearing it lets go of them."""
    import gc
    import weakref

    settings = copy.deepcopy(DEFAULT_CONFIG)
    context = {"generated_content": {}, "static_content": {}, "localsiteurl": ""}
    page = Page(
        "<p>text</p>", {"title": "P", "slug": "p"}, settings=settings, source_path="p.md", context=context
    )
    assert page.content == "<p>text</p>" and page.summary
    gone = weakref.ref(page)
    assert any(key[0] is page for key in Page.get_content.cache)
    assert any(key[0] is page for key in Page.get_summary.cache)
    del page
    gc.collect()
    assert gone() is not None  # remembered by Pelican
    pagecache.let_go()
    gc.collect()
    assert gone() is None
