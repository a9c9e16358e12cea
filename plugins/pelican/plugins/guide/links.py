"""Links and images in page bodies, settled before anything is written.

Pages link the way the guide writes them: `/servers.html`, `/img/logos/nginx.png`,
`{static}/img/x.png`, `{filename}/pages/x.md`. Here every such link in a body is
resolved against the set of files the build will write:
- a link to a page or file of this site becomes relative to the page, so it works
  under any SITEURL, a sub-path included;
- a link to a page this site lacks goes to GUIDE_MISSING_PAGES_BASE (counted in one line;
  `-v` lists each, with the closest slug of this site), or is an error when that setting
  is None;
- a missing image or file is a warning naming the source file (an error in strict mode);
- a `{static}`, `{filename}` or `{attach}` link that leaves the content folder is an error,
  and is never read or copied.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import posixpath
import re
from collections import Counter
from html import unescape
from urllib.parse import quote, unquote, urlsplit

from . import report
from .body import outside_code
from .digests import digest
from .images import sized

# Start tags that load or link something; `<` inside code is always escaped, so these are real.
_TAG = re.compile(
    r"<(?:a|img|link|source|audio|video|track|area)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"""(\s(?:href|src)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_ELSEWHERE = ("http://", "https://", "mailto:", "#", "//")
_PLACEHOLDER = re.compile(r"^[{|](filename|static|attach)[}|](.*)$")


def edit_address(source_url: str, relative: str) -> str:
    """A page's "Edit this page" address: GUIDE_SOURCE_URL and the file's path in the
    repository, each segment percent-encoded (a `#`, `?`, `&` or space in a file name is
    part of the name, not of the address)."""
    return source_url + "/".join(quote(segment, safe="") for segment in relative.split(os.sep))


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

    def __init__(
        self,
        files: set[str],
        page_sources: dict[str, str],
        missing_pages_base: str | None,
        memo: dict | None = None,
    ):
        self.files = files
        # What settling a page gave in earlier builds, by source: a page whose body, address
        # and set of files are unchanged is settled the same way, without a scan.
        self.memo = {} if memo is None else memo
        self.context_key = digest(sorted(files), sorted(page_sources.items()), missing_pages_base)
        self.page_sources = page_sources  # content path of a page's source -> its site path
        self.base = missing_pages_base
        self.slugs = sorted(path[:-5] for path in files if path.endswith(".html"))
        self.by_trigram: dict[str, set[str]] = {}
        for slug in self.slugs:
            for gram in _trigrams(slug):
                self.by_trigram.setdefault(gram, set()).add(slug)
        self.reported: set[tuple[str, str]] = set()  # (page's file, site path) warned about
        self.sent_to_full_guide = 0
        self.sent: dict[str, list[str]] = {}  # each page's links to the complete guide, by source

    @functools.cache  # noqa: B019 - a settler lives for one build; the cache goes with it
    def closest(self, target: str) -> str:
        """The slug of this site most like `target`'s, as a hint for a renamed page: the ten
        slugs sharing the most three-letter pieces, then difflib's ratio among them."""
        name = posixpath.basename(target[:-5] if target.endswith(".html") else target)
        shared = Counter(slug for gram in _trigrams(name) for slug in self.by_trigram.get(gram, ()))
        candidates = [slug for slug, _ in shared.most_common(10)]
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        return f" (the closest page here is {close[0]}.html)" if close else ""

    def settle(self, page, source: str, source_relative: str) -> None:
        """Rewrite the links of one page's body (never inside highlighted code), and report
        each link that reaches nothing here (again on every build, as every problem is)."""
        body = hashlib.blake2b(page._content.encode("utf-8"), digest_size=16).hexdigest()
        key = (body, page.url, page.save_as, source_relative, self.context_key)
        known = self.memo.get(source)
        if known is None or known[0] != key:
            notes: list[tuple] = []

            def rewrite_tag(tag_match) -> str:
                return _ATTRIBUTE.sub(
                    lambda match: self._attribute(match, page, source_relative, notes), tag_match[0]
                )

            known = self.memo[source] = (
                key,
                outside_code(page._content, lambda part: _TAG.sub(rewrite_tag, part)),
                notes,
            )
        _, page._content, notes = known
        # Sizes are read on every build (an image may change while its page does not).
        root = (
            source[: -len(source_relative)] if source.endswith(source_relative) else os.path.dirname(source)
        )
        page._content, unread = sized(page._content, page.url, root)
        for address in unread:
            if address and not address.startswith((*_ELSEWHERE, "data:")):
                report.warning(
                    source,
                    f"image {address}: its width and height cannot be read, so the text moves as it loads",
                    page=True,
                )
        for level, message, target in notes:
            if level == "info":  # configured behaviour, not a problem: listed with -v only
                report.links_logger.info("%s: %s", report.display_path(source), message)
                self.sent_to_full_guide += 1
                self.sent.setdefault(source, []).append(message)
            else:
                getattr(report, level)(source, message, page=True)
                self.reported.add((page.save_as, target))

    def _attribute(self, match, page, source_relative: str, notes: list) -> str:
        if match[3].startswith(_ELSEWHERE):  # most links of a guide: no parsing needed
            return match[0]
        value = unescape(match[3]).strip()
        parts = urlsplit(value)
        placeholder = _PLACEHOLDER.match(value)
        if placeholder:
            kind, rest = placeholder.groups()
            parts = urlsplit(rest)
            path = content_path(parts.path, source_relative)
            if path is None:  # never read nor copied: order_pages took it off Pelican's list
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
        if target in self.files:
            return f"{match[1]}{match[2]}{relative_link(target, page.url)}{suffix}{match[2]}"
        is_page = target.endswith(".html") and not placeholder
        if is_page and self.base:
            new = self.base + target + suffix
            notes.append(
                (
                    "info",
                    f"{value} is not a page of this site; linking to {new}{self.closest(target)}",
                    target,
                )
            )
            return f"{match[1]}{match[2]}{new}{match[2]}"
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
            what = "image" if match[1].strip().lower().startswith("src") else "link"
            close = difflib.get_close_matches(
                target, [f for f in self.files if f[:2] == target[:2]], n=1, cutoff=0.8
            )
            hint = f"; did you mean /{close[0]}?" if close else ""
            if value.startswith(("'", '"')) or ("@" in value and ":" in value):
                hint = (
                    "; it looks like an address of another site, "
                    "written without https:// or with a stray quote"
                )
            notes.append(
                (
                    "warning",
                    f"{what} {value} points to {target}, which is not in the content folder{hint}",
                    target,
                )
            )
        if placeholder:  # Pelican would warn a second time, without naming the page
            return f"{match[1]}{match[2]}{relative_link(target, page.url)}{suffix}{match[2]}"
        return match[0]
