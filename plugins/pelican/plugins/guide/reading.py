"""Reading the guide's Markdown pages: each file converted and its metadata typed, the
pages Pelican's content cache cannot answer read up front on every core.

`read_page` turns one file into its HTML and typed metadata, with every problem as a note
(error or warning) that names what is wrong. The notes travel with the page (reader.py),
so a page from Pelican's content cache reports its warnings on every build too, and strict
mode sees them.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import NamedTuple

from markdown import Markdown
from pelican.utils import get_date

from . import fields
from .body import Note, inspect, text_of, unique_ids
from .limits import MAX_PAGE_BYTES
from .markdown_ext import GuideMarkdown, StyleTableOnce, without_comments
from .theme import theme_ids
from .watch import watched
from .workers import forked_map

EXTENSIONS = ("md", "markdown", "mkd", "mdown")  # the guide's pages
_META_EXTENSIONS = ("markdown.extensions.meta", "meta")
_CODEHILITE = ("markdown.extensions.codehilite", "codehilite")


class PageRead(NamedTuple):
    html: str
    metadata: dict  # typed fields and Pelican's own, ready for the Page object
    notes: tuple[Note, ...]

    @property
    def usable(self) -> bool:
        return not any(note.level == "error" for note in self.notes)


def make_markdown(settings) -> Markdown:
    config = copy.deepcopy(settings.get("MARKDOWN", {}))
    extension_configs = config.pop("extension_configs", {})
    for name in _META_EXTENSIONS:  # the header is parsed by fields.parse_header
        extension_configs.pop(name, None)
    extensions = [name for name in config.pop("extensions", []) if name not in _META_EXTENSIONS]
    extensions += [name for name in extension_configs if name not in extensions]
    for name in _CODEHILITE:
        if name in extension_configs:
            extension_configs[name].setdefault("pygments_formatter", StyleTableOnce)
    return Markdown(extensions=[*extensions, GuideMarkdown()], extension_configs=extension_configs, **config)


def _headings(tokens) -> tuple[tuple[int, str, str], ...]:
    """(level, id, text) of each h2 and h3, from the toc extension's tokens."""
    found = []
    for token in tokens:
        if token["level"] in (2, 3):
            found.append((token["level"], token["id"], text_of(token["name"])))
        found += _headings(token["children"])
    return tuple(found)


def _decode(raw: bytes) -> tuple[str, str | None]:
    """The text, or a message saying where the first byte that is not UTF-8 is."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as problem:
        line = raw.count(b"\n", 0, problem.start) + 1
        column = problem.start - (raw.rfind(b"\n", 0, problem.start) + 1) + 1
        return "", (
            f"is not valid UTF-8: byte 0x{raw[problem.start]:02x} at offset {problem.start} "
            f"(line {line}, column {column}); save the file as UTF-8"
        )


def read_page(path: str, root: str, markdown: Markdown, config, reserved_ids=frozenset()) -> PageRead:
    """One page file, read, converted and typed; problems become notes. A page that takes
    long is named meanwhile (watch.py)."""
    with watched(path):
        return _read_page(path, root, markdown, config, reserved_ids)


def _read_page(path: str, root: str, markdown: Markdown, config, reserved_ids) -> PageRead:
    notes: list[Note] = []

    def fail(message: str) -> PageRead:
        return PageRead("", {}, (*notes, Note("error", message)))

    real = os.path.realpath(path)
    if not os.path.exists(real):
        return fail(f"is a broken link to {os.readlink(path) if os.path.islink(path) else real}")
    if os.path.commonpath([real, root]) != root:
        return fail(f"is a link to {real}, outside the content folder; the build reads nothing there")
    try:
        size = os.path.getsize(real)
        if size > MAX_PAGE_BYTES:
            return fail(
                f"is {size / 2**20:.1f} MB, more than the {MAX_PAGE_BYTES // 2**20} MB a page may be "
                "(MAX_PAGE_BYTES); split it into pages"
            )
        raw = Path(path).read_bytes()
    except OSError as problem:
        return fail(f"cannot be read: {problem.strerror}")
    text, undecodable = _decode(raw)
    if undecodable:
        return fail(undecodable)

    header = fields.parse_header(text)
    notes += [Note("error", problem) for problem in header.problems]
    given = header.fields
    allowed = (*fields.GUIDE_FIELDS, *fields.PELICAN_FIELDS)
    if config.metadata_overrides:
        allowed += fields.OVERRIDE_FIELDS
    for key in given:
        if key in fields.OVERRIDE_FIELDS and not config.metadata_overrides:
            notes.append(
                Note(
                    "error",
                    f"{key} {fields.quote(given[key])} is not allowed: the guide "
                    "places every page itself (GUIDE_METADATA_OVERRIDES allows it)",
                )
            )
    for key, close in fields.unknown_fields(given, (*allowed, *fields.OVERRIDE_FIELDS)):
        hint = f"; did you mean {close}?" if close else "; it is ignored"
        notes.append(Note("warning", f"metadata key {key!r} is unknown{hint}"))
    # The home page (slug `index`, written at index.html) stands before the chapters: no sortorder.
    home = fields.is_home_slug(given.get("slug"))
    missing = [
        name for name in fields.REQUIRED_FIELDS if name not in given and not (home and name == "sortorder")
    ]
    if missing:
        what = "has no metadata" if not given else f"lacks {', '.join(missing)}"
        return fail(
            f"{what}; a page starts with lines like `title: Servers`, `slug: servers`, "
            "`sortorder: 0502`, then a blank line"
        )

    metadata: dict = {}
    try:
        metadata["title"] = fields.parse_title(given["title"])
        metadata["slug"] = fields.parse_slug(given["slug"])
        metadata["sortorder"] = (
            fields.parse_home_sortorder(given.get("sortorder"))
            if home
            else (fields.parse_sortorder(given["sortorder"], config.sections))
        )
        metadata["toc"] = fields.parse_toc(given.get("toc"))
        metadata["sidebartitle"] = fields.parse_sidebartitle(given.get("sidebartitle"), metadata["title"])
        metadata["aliases"] = fields.parse_aliases(given.get("aliases"), metadata["slug"])
        if given.get("lang"):
            metadata["lang"] = fields.parse_lang(given["lang"])
    except fields.FieldError as problem:
        return fail(str(problem))
    if metadata["slug"] != metadata["slug"].lower():
        notes.append(
            Note(
                "warning",
                f"slug {fields.quote(metadata['slug'])} has capital letters; the page "
                f"is written as {metadata['slug']}.html and URLs are case-sensitive",
            )
        )
    for alias in metadata["aliases"]:
        if alias != alias.lower():
            notes.append(
                Note(
                    "warning",
                    f"aliases {fields.quote(alias)} has capital letters; the redirect "
                    f"is written as {alias}.html and URLs are case-sensitive",
                )
            )
    for name in ("status", "summary", *fields.OVERRIDE_FIELDS):
        if given.get(name) and name in allowed:
            metadata[name] = given[name]
    if home:
        metadata["template"] = fields.HOME_TEMPLATE
    for name in ("date", "modified"):
        if given.get(name):
            try:
                metadata[name] = get_date(given[name])
            except (ValueError, OverflowError):
                return fail(
                    f"{name} {fields.quote(given[name])} is not a date; "
                    "write it like 2024-05-01 or 2024-05-01 14:30"
                )

    control = fields.control_character(header.body, header.body_line)
    if control:
        return fail(control)
    deep = fields.nesting_problem(header.body, header.body_line)
    if deep:
        return fail(deep)
    markdown.reset()
    try:
        html = markdown.convert(without_comments(header.body, markdown))
    except RecursionError:  # nesting the line scan cannot see (raw HTML, say)
        return fail(
            "is nested too deeply for Markdown to convert (RecursionError); flatten its lists, quotes or HTML"
        )
    body = inspect(html, config.image_hosts)
    notes += body.notes
    try:
        metadata["description"] = fields.parse_description(given.get("meta"), body.first_paragraph)
    except fields.FieldError as problem:
        return fail(str(problem))
    html, metadata["headings"] = unique_ids(
        body.html, _headings(getattr(markdown, "toc_tokens", [])), reserved_ids
    )
    return PageRead(html, metadata, tuple(notes))


def published_body(path: str, markdown: Markdown) -> str:
    """A page's body as written, less its HTML comments, as its Markdown copy publishes it;
    its metadata header (reviewers, notes, any key of the author's) is left out."""
    body = fields.parse_header(Path(path).read_bytes().decode("utf-8-sig")).body
    return without_comments(body, markdown).lstrip("\n")


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def page_files(generator) -> set[str]:
    """The guide's page files, relative to the content folder, as Pelican's page generator finds them."""
    settings = generator.settings
    return generator.get_files(
        settings["PAGE_PATHS"], exclude=settings["PAGE_EXCLUDES"], extensions=EXTENSIONS
    )


def read_changed(generator, files, config) -> dict[str, PageRead]:
    """The pages Pelican's content cache cannot answer (pagecache.py), read now on every
    core, by absolute path; Pelican then asks the guide's reader for each (reader.py), which
    reads any other then and there."""
    changed = sorted(
        os.path.abspath(os.path.join(generator.path, relative))
        for relative in files
        if generator.get_cached_data(relative, None) is None
    )
    reader = reader_for(generator.settings, config)
    return dict(zip(changed, forked_map(reader.read, changed, config.workers, weight=_size), strict=True))


_readers: dict[str, Reader] = {}  # the last Reader made, by what it depends on: one guide at a time


def reader_for(settings, config) -> Reader:
    """What reading a page takes, made once for the settings and the theme's ids (pagecache.key):
    a devserver's builds share it, with its Markdown converter."""
    from .pagecache import key

    made_from = key(settings)
    if made_from not in _readers:
        _readers.clear()
        _readers[made_from] = Reader(settings, config)
    return _readers[made_from]


class Reader:
    """What reading a page takes: the Markdown converter, the theme's ids."""

    def __init__(self, settings, config):
        self.root = os.path.realpath(settings["PATH"])
        self.markdown = make_markdown(settings)
        self.config = config
        self.reserved_ids = theme_ids(settings["THEME"])

    def read(self, path: str) -> PageRead:
        return read_page(path, self.root, self.markdown, self.config, self.reserved_ids)
