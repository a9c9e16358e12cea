"""Reading the guide's Markdown pages: each converted once, on every core, and cached.

`read_page` turns one file into its HTML and typed metadata, with every problem as a
note (error or warning) that names what is wrong. `Reading` serves those results to
Pelican's reader: from the cache when the file's stamp is unchanged, converted up front
on all cores for the rest. The notes are kept with the result, so a cached page reports
its warnings on every build, and strict mode sees them.

The cache is one pickle per content folder and configuration, written atomically (a
temporary file, then a rename), so a killed build cannot leave half a file; one that
cannot be read is treated as absent, with a warning (caches.py). Its name carries a
digest of all that changes what reading produces: the content folder, the MARKDOWN and
guide settings, the theme's ids, this plugin's code and the versions of Pelican,
Markdown and Pygments.
"""

from __future__ import annotations

import contextlib
import copy
import glob
import os
from pathlib import Path
from typing import NamedTuple

from markdown import Markdown
from pelican.utils import get_date

from . import fields
from .body import Note, inspect, text_of, unique_ids
from .caches import CacheFiles, is_dict_of
from .digests import code_digest, digest
from .limits import MAX_PAGE_BYTES
from .markdown_ext import GuideMarkdown, StyleTableOnce, without_comments
from .theme import theme_ids
from .watch import watched
from .workers import forked_map

CACHE_FILES_KEPT = 8  # caches of other content folders or settings, newest first
_META_EXTENSIONS = ("markdown.extensions.meta", "meta")
_CODEHILITE = ("markdown.extensions.codehilite", "codehilite")

# The caches this process has loaded or written, by file: a devserver keeps its pages in
# memory between builds instead of reading the pickle again.
_resident: dict[str, tuple[dict, dict]] = {}


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


def _valid_cache(data) -> bool:
    entries, memo = data
    return is_dict_of(
        entries,
        str,
        lambda entry: isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], PageRead),
    ) and is_dict_of(
        memo, str, lambda entry: isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[1], str)
    )


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class Reading:
    """The pages of one build: from the cache, or read now, on every core."""

    def __init__(self, settings, config, caches: CacheFiles | None = None):
        self.settings = settings
        self.config = config
        self.caches = caches or CacheFiles()
        self.root = os.path.realpath(settings["PATH"])
        self.markdown = make_markdown(settings)
        self.reserved_ids = theme_ids(settings["THEME"])
        self.entries: dict[str, tuple] = {}
        self.memo: dict[str, tuple] = {}  # what later steps derived from each page (links.py)
        self.changed = False
        self.cache_file = None
        if config.cache and settings.get("CACHE_PATH"):
            key = digest(
                self.root,
                settings.get("MARKDOWN", {}),
                config.sections,
                config.metadata_overrides,
                config.image_hosts,
                sorted(self.reserved_ids),
                code_digest(),
            )[:20]
            self.cache_file = os.path.join(
                os.path.abspath(settings["CACHE_PATH"]), f"guide-read-{key}.pickle"
            )
            if settings.get("LOAD_CONTENT_CACHE"):
                self.entries, self.memo = self._load()

    def _load(self) -> tuple[dict, dict]:
        resident = _resident.get(self.cache_file)
        if resident is not None:
            return resident
        valid = lambda data: isinstance(data, tuple) and len(data) == 2 and _valid_cache(data)  # noqa: E731
        stored = self.caches.load(
            self.cache_file, "reading cache", valid, "reading every page again", binary=True
        )
        return stored if stored is not None else ({}, {})

    @staticmethod
    def stamp(path: str):
        try:
            info = os.stat(path)
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def _read(self, path: str) -> PageRead:
        return read_page(path, self.root, self.markdown, self.config, self.reserved_ids)

    def published_body(self, path: str) -> str:
        return published_body(path, self.markdown)

    def get(self, path: str) -> PageRead:
        stamp = self.stamp(path)
        cached = self.entries.get(path)
        if stamp is not None and cached is not None and cached[0] == stamp:
            return cached[1]
        result = self._read(path)
        if stamp is not None:
            self.entries[path] = (stamp, result)
            self.changed = True
        return result

    def prepare(self, paths: list[str]) -> int:
        """Read, on every core, each page the cache cannot answer; returns how many."""
        missing = [
            path
            for path in paths
            if (entry := self.entries.get(path)) is None or entry[0] != self.stamp(path)
        ]
        for path, result in zip(
            missing, forked_map(self._read, missing, self.config.workers, weight=_size), strict=False
        ):
            if (stamp := self.stamp(path)) is not None:
                self.entries[path] = (stamp, result)
                self.changed = True
        return len(missing)

    def release(self) -> None:
        """Let go of the pages as read (the settled copies live on in the pages): a build
        that has saved them needs them no more."""
        self.entries = {}

    def save(self, present: set[str], memo_changed: bool = False, resident: bool = False) -> None:
        """Keep the pages still present; write the cache atomically if anything changed.
        `resident` (the devserver) keeps it in memory for the next build too."""
        if self.cache_file is None:
            return
        for path in [path for path in self.entries if path not in present]:
            del self.entries[path]
            self.memo.pop(path, None)
            self.changed = True
        _resident.clear()  # one guide in memory at a time
        if resident:
            _resident[self.cache_file] = (self.entries, self.memo)
        if not (self.changed or memo_changed):
            return
        if self.caches.save(self.cache_file, "reading cache", (self.entries, self.memo), binary=True):
            self.changed = False
        folder = os.path.dirname(self.cache_file)
        caches = sorted(
            (path for path in glob.glob(os.path.join(folder, "guide-read-*.pickle")) if os.path.isfile(path)),
            key=os.path.getmtime,
            reverse=True,
        )
        for old in caches[CACHE_FILES_KEPT:]:
            with contextlib.suppress(OSError):
                os.unlink(old)
