"""Images in page bodies: each carries its width and height, and those below the first
screen load lazily.

A browser keeps an image's room from its `width` and `height` before the file arrives,
so the text does not jump as images load (CLS); `loading="lazy"` leaves an image below
the first screen until the reader scrolls near it. The sizes are read from each file's
header (imagesize) when the page's links are settled (links.py), on every build, so an
image replaced by one of another size is measured again; an image whose size cannot be
read (another host's, a damaged file) keeps its tag as written, with a warning.
"""

from __future__ import annotations

import os
import re
from html import unescape
from urllib.parse import unquote, urlsplit

import imagesize

from .body import outside_code

_IMG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_SRC = re.compile(r"""\ssrc\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_HAS = {name: re.compile(rf"\s{name}\s*=", re.IGNORECASE) for name in ("width", "height", "loading")}
_PIXELS = {
    name: re.compile(rf"""\s{name}\s*=\s*["']?\d+["'\s/>]""", re.IGNORECASE) for name in ("width", "height")
}
_PERCENT_WIDTH = re.compile(r"""\swidth\s*=\s*(["']?)100%\1""", re.IGNORECASE)
_CLASS = re.compile(r"""(\sclass\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# Text before an image that fills about a first screen on a phone: below it, lazy.
FIRST_SCREEN_CHARACTERS = 600

_sizes: dict[tuple, tuple[int, int] | None] = {}  # (file, mtime, size) -> (width, height)


def size_of(path: str) -> tuple[int, int] | None:
    """An image file's (width, height) in pixels, or None when it cannot be read."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    key = (path, info.st_mtime_ns, info.st_size)
    if key not in _sizes:
        try:
            width, height = imagesize.get(path)
        except (OSError, ValueError):
            width = height = -1
        _sizes[key] = (int(width), int(height)) if width > 0 and height > 0 else None
    return _sizes[key]


def sized(html: str, page_url: str, site_root: str) -> tuple[str, list[str]]:
    """`html` with each of its images given the width and height of its file (under
    `site_root`, the content folder, whose files keep their paths in the site), and
    `loading="lazy"` past the first screen; and the images whose size could not be read."""
    if "<img" not in html and "<IMG" not in html:
        return html, []
    unread: list[str] = []
    text_before = [0]

    def change(part: str) -> str:
        position = 0
        out = []
        for match in _IMG.finditer(part):
            text_before[0] += len(_TAG.sub("", part[position : match.start()]))
            out += [
                part[position : match.start()],
                _sized_tag(match[0], page_url, site_root, text_before[0], unread),
            ]
            position = match.end()
        text_before[0] += len(_TAG.sub("", part[position:]))
        out.append(part[position:])
        return "".join(out)

    return outside_code(html, change), unread


def _sized_tag(tag: str, page_url: str, site_root: str, before: int, unread: list[str]) -> str:
    added = []
    if not (_PIXELS["width"].search(tag) and _PIXELS["height"].search(tag)):
        source = _SRC.search(tag)
        address = unescape(source[2]) if source else ""
        parts = urlsplit(address)
        size = None
        if address and not (parts.scheme or parts.netloc or address.startswith("data:")):
            folder = os.path.dirname(page_url)
            path = os.path.normpath(os.path.join("/", folder, unquote(parts.path))).lstrip("/")
            file = os.path.join(site_root, path)
            size = size_of(file)
            if size is None and os.path.isfile(file):  # a missing file: the links step says so
                unread.append(address)
        if size is not None:
            # The file's size in pixels; `width="100%"` (no size at all for the browser)
            # becomes the class full-width, which the theme draws across the column.
            if _PERCENT_WIDTH.search(tag):
                tag = _with_class(_PERCENT_WIDTH.sub("", tag), "full-width")
            for name in ("width", "height"):
                tag = re.sub(rf"""\s{name}\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", "", tag, flags=re.IGNORECASE)
            added.append(f'width="{size[0]}" height="{size[1]}"')
    if before > FIRST_SCREEN_CHARACTERS and not _HAS["loading"].search(tag):
        added.append('loading="lazy"')
    if not added:
        return tag
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f"{tag[:end].rstrip()} {' '.join(added)}{tag[end:]}"


def _with_class(tag: str, name: str) -> str:
    found = _CLASS.search(tag)
    if found:
        return tag[: found.start(3)] + f"{found[3]} {name}".strip() + tag[found.end(3) :]
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f'{tag[:end].rstrip()} class="{name}"{tag[end:]}'
