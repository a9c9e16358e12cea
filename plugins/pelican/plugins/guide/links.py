"""Links and images in page bodies, settled before anything is written.

Pages link the way the guide writes them: `/servers.html`, `/img/logos/nginx.png`,
`{static}/img/x.png`, `{filename}/pages/x.md`. Here every such link in a body is
resolved against the set of files the build will write (plan.py):
- a link to a page or file of this site becomes relative to the page, so it works
  under any SITEURL, a sub-path included;
- a link to a page this site lacks goes to GUIDE_MISSING_PAGES_BASE (counted in one line;
  `-v` lists each, with the closest slug of this site), or is an error when that setting
  is None;
- a missing image or file is a warning naming the source file (an error in strict mode);
- a `{static}`, `{filename}` or `{attach}` link that leaves the content folder is an error,
  and is never read or copied.

Pelican's placeholders are settled here in every attribute where Pelican would replace
them (`PLACEHOLDER_ATTRIBUTES`, pinned by tests/test_pelican_contract.py), so that a
missing target is named with its page, once; plain links, in the `href` and `src` of the
tags that load or link something. What settling a page gave is kept (`Links.settled`): the
next build settles a page the same way, without a scan, when its body, its address and
the set of files are the same.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote, urlsplit

from . import report
from .body import outside_code_spans
from .digests import digest
from .images import sized

# A start tag with its attributes; `<` inside code is always escaped, so these are real.
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"""(\s([^\s"'>/=]+)\s*=\s*)(["'])(.*?)\3""", re.DOTALL)
# Pelican replaces its placeholders in each attribute whose name ends with one of these.
PLACEHOLDER_ATTRIBUTES = ("href", "src", "poster", "data", "cite", "formaction", "action", "content")
_PLACEHOLDER_ATTRIBUTE = re.compile(rf"(?:{'|'.join(PLACEHOLDER_ATTRIBUTES)})$", re.IGNORECASE)
# The tags whose plain `href` or `src` loads or links something of the site.
LINK_TAGS = frozenset({"a", "img", "link", "source", "audio", "video", "track", "area"})
_ELSEWHERE = ("http://", "https://", "mailto:", "#", "//")
_PLACEHOLDER = re.compile(r"^[{|](filename|static|attach)[}|](.*)$")


@dataclass(frozen=True)
class Settled:
    """What settling one page's links takes, and what was said of them."""

    key: tuple  # what it was settled from: body, address, the build's files
    edits: tuple  # (start, end, new text) in the body as read, in order
    notes: tuple  # (level, message, target)

    def apply(self, body: str) -> str:
        parts, position = [], 0
        for start, end, new in self.edits:
            parts += [body[position:start], new]
            position = end
        parts.append(body[position:])
        return "".join(parts)


@dataclass(frozen=True)
class Links:
    settled: dict[str, Settled]  # by source path
    reported: frozenset[tuple[str, str]]  # (page's file, site path) warned about: the check says it no more
    sent: int  # links sent to the complete guide


def settle(pages, plan, config, known: dict[str, Settled], content_folder: str) -> Links:
    """Every page's body settled (`known`: the last build's, by source), and each link
    that reaches nothing here reported, on every build."""
    settler = LinkSettler(plan.files, plan.page_sources, config.missing_pages_base)
    settled = {}
    for page in pages.every:
        settled[page.source_path] = done = settler.settle(
            page, content_relative(page.source_path, content_folder), known.get(page.source_path)
        )
        # Image sizes are read on every build: an image may change while its page does not.
        page._content, unread = sized(done.apply(page._content), page.url, content_folder)
        for address in unread:
            if address and not address.startswith((*_ELSEWHERE, "data:")):
                report.warning(
                    page.source_path,
                    f"image {address}: its width and height cannot be read, so the text moves as it loads",
                )
        # What the keys of its files are made from (writer.py): the body as it is written.
        page.body_digest = hashlib.blake2b(page._content.encode("utf-8"), digest_size=16).hexdigest()
        for level, message, target in done.notes:
            if level == "info":  # configured behaviour, not a problem: listed with -v only
                report.sent(page.source_path, message)
                settler.sent += 1
            else:
                getattr(report, level)(page.source_path, message)
                settler.reported.add((page.save_as, target))
    return Links(settled, frozenset(settler.reported), settler.sent)


def content_relative(path: str, folder: str) -> str:
    """A source path relative to the content folder, with "/" (Pelican's paths are inside it)."""
    prefix = os.path.join(folder, "")
    relative = path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, folder)
    return relative.replace(os.sep, "/")


def _trigrams(text: str) -> set[str]:
    return {text[index : index + 3] for index in range(max(1, len(text) - 2))}


def content_path(link_path: str, page_source: str) -> str | None:
    """The content-folder path a `{static}`-style link names; None if it leaves the folder."""
    base = "" if link_path.startswith("/") else posixpath.dirname(page_source)
    path = posixpath.normpath(posixpath.join(base, unquote(link_path).lstrip("/")))
    return None if path == ".." or path.startswith(("../", "/")) else path


def site_path(path: str, page_url: str) -> str:
    """The site path a link's path names from the page at `page_url`, as a browser
    resolves it: `..` never climbs above the root."""
    return _site_path(path, posixpath.dirname(page_url))


@functools.lru_cache(maxsize=65536)
def _site_path(path: str, folder: str) -> str:
    """site_path() for a page in `folder`: pages of one folder share the answers."""
    base = "" if path.startswith("/") else folder
    target = posixpath.normpath(posixpath.join("/", base, unquote(path))).lstrip("/")
    if path.endswith("/") or not target:
        target = posixpath.join(target, "index.html")
    return target


def relative_link(target: str, page_url: str) -> str:
    """`target` (a site path) as seen from the page at `page_url`."""
    return _relative(target, posixpath.dirname(page_url) or ".")


@functools.lru_cache(maxsize=65536)
def _relative(target: str, folder: str) -> str:
    return posixpath.relpath(target, folder) if target else "./"


class LinkSettler:
    """Rewrites one build's page bodies; `files` is every site path the build writes."""

    def __init__(self, files, page_sources: dict[str, str], missing_pages_base: str | None):
        self.files = files
        self.context_key = digest(sorted(files), sorted(page_sources.items()), missing_pages_base)
        self.page_sources = page_sources  # content path of a page's source -> its site path
        self.base = missing_pages_base
        self.reported: set[tuple[str, str]] = set()
        self.sent = 0

    @functools.cache  # noqa: B019 - a settler lives for one build; the cache goes with it
    def closest(self, target: str) -> str:
        """The slug of this site most like `target`'s, as a hint for a renamed page: the ten
        slugs sharing the most three-letter pieces, then difflib's ratio among them."""
        name = posixpath.basename(target[:-5] if target.endswith(".html") else target)
        shared = Counter(slug for gram in _trigrams(name) for slug in self.by_trigram.get(gram, ()))
        candidates = [slug for slug, _ in shared.most_common(10)]
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        return f" (the closest page here is {close[0]}.html)" if close else ""

    @functools.cached_property
    def by_trigram(self) -> dict[str, set[str]]:
        """Each three-letter piece of the site's slugs, and the slugs that hold it: made when
        a link first needs a hint."""
        found: dict[str, set[str]] = {}
        for slug in sorted(path[:-5] for path in self.files if path.endswith(".html")):
            for gram in _trigrams(slug):
                found.setdefault(gram, set()).add(slug)
        return found

    def settle(self, page, source_relative: str, known: Settled | None = None) -> Settled:
        """What settling one page's links takes (never inside highlighted code), and the notes
        on those that reach nothing here; `known` when it was settled from the same."""
        body = page._content
        key = (hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest(), page.url, page.save_as)
        key += (source_relative, self.context_key)
        if known is not None and known.key == key:
            return known
        notes: list[tuple] = []
        edits = []
        for start, end in outside_code_spans(body):
            for tag in _TAG.finditer(body, start, end):
                name = tag[1].lower()
                if "{" not in tag[2] and "|" not in tag[2] and name not in LINK_TAGS:
                    continue  # no placeholder, and no link of the site's to settle
                new = _ATTRIBUTE.sub(
                    lambda match, name=name: self._attribute(match, name, page, source_relative, notes),
                    tag[0],
                )
                if new != tag[0]:
                    edits.append((tag.start(), tag.end(), new))
        return Settled(key, tuple(edits), tuple(notes))

    def _attribute(self, match, tag: str, page, source_relative: str, notes: list) -> str:
        attribute = match[2].lower()
        if match[4].startswith(_ELSEWHERE):  # most links of a guide: no parsing needed
            return match[0]
        value = unescape(match[4]).strip()
        placeholder = _PLACEHOLDER.match(value)
        if placeholder is not None and not _PLACEHOLDER_ATTRIBUTE.search(attribute):
            return match[0]  # Pelican leaves it as it is, and so does the guide
        if placeholder is None and (tag not in LINK_TAGS or attribute not in ("href", "src")):
            return match[0]
        parts = urlsplit(value)
        if placeholder:
            kind, rest = placeholder.groups()
            parts = urlsplit(rest)
            path = content_path(parts.path, source_relative)
            if path is None:  # never read nor copied: pages.collect took it off Pelican's list
                notes.append(
                    (
                        "error",
                        f"link {value} leaves the content folder; the build reads nothing outside it",
                        value,
                    )
                )
                return match[0]
            target = self.page_sources.get(path, path) if kind == "filename" else path
        elif not value or value.startswith(("#", "//", "data:")) or parts.scheme or parts.netloc:
            return match[0]
        else:
            target = site_path(parts.path, page.url)
        suffix = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        new = f"{match[1]}{match[3]}{relative_link(target, page.url)}{suffix}{match[3]}"
        if target in self.files:
            return new
        is_page = target.endswith(".html") and not placeholder
        if is_page and self.base:
            sent = self.base + target + suffix
            notes.append(
                (
                    "info",
                    f"{value} is not a page of this site; linking to {sent}{self.closest(target)}",
                    target,
                )
            )
            return f"{match[1]}{match[3]}{sent}{match[3]}"
        if is_page:
            notes.append(
                (
                    "error",
                    f"link {value} reaches no page of this site{self.closest(target)}; "
                    "set GUIDE_MISSING_PAGES_BASE to send such links to the complete guide",
                    target,
                )
            )
        else:
            what = "image" if attribute == "src" else "link"
            close = difflib.get_close_matches(
                target, [f for f in self.files if f[:2] == target[:2]], n=1, cutoff=0.8
            )
            hint = f"; did you mean /{close[0]}?" if close else ""
            if value.startswith(("'", '"')) or ("@" in value and ":" in value):
                hint = "; it looks like an address of another site, written without https:// "
                hint += "or with a stray quote"
            notes.append(
                (
                    "warning",
                    f"{what} {value} points to {target}, which is not in the content folder{hint}",
                    target,
                )
            )
        return new if placeholder else match[0]  # Pelican would warn a second time, without naming the page
