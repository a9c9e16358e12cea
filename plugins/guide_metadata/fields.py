"""Parse the guide's page metadata from the strings Markdown hands over into typed values.

Each parser takes the raw value and returns a typed one, or raises `FieldError`
saying what was expected. Nothing here knows about Pelican.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from markupsafe import Markup

DESCRIPTION_MAX_CHARS = 160

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DIGITS = re.compile(r"[0-9]+")
_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL | re.IGNORECASE)
_TOC_VALUES = {"true": True, "yes": True, "false": False, "no": False}


class FieldError(ValueError):
    """A metadata field holds a value the guide cannot use."""

    def __init__(self, field: str, value: object, expected: str):
        self.field = field
        self.value = value
        self.expected = expected
        if value is None:
            super().__init__(f"{field} is missing; it {expected}")
        else:
            super().__init__(f"{field} {quote(value)} {expected}")


class SortOrder(NamedTuple):
    """Where a page stands in the guide: `0502` is chapter 5, position 2."""

    chapter: int
    position: int

    def __str__(self) -> str:
        return f"chapter {self.chapter}, position {self.position}"


def quote(value: object) -> str:
    """The value as one double-quoted line, whatever characters it holds."""
    return json.dumps(str(value), ensure_ascii=False)


def parse_title(value: object) -> str:
    text = _plain_text(value)
    if not text:
        raise FieldError("title", value, "must be the page's title as plain text")
    return text


def parse_slug(value: object) -> str:
    text = _plain_text(value)
    if not text or not _SLUG.fullmatch(text):
        raise FieldError(
            "slug",
            value,
            "must be lowercase letters, digits and single hyphens, like servers or web-servers",
        )
    return text


def parse_sortorder(value: object) -> SortOrder:
    text = _plain_text(value)
    if not text or not _DIGITS.fullmatch(text) or not text.isascii():
        raise FieldError("sortorder", value, "must be digits only, like 0502")
    if len(text) < 3:
        raise FieldError(
            "sortorder", value, "must have at least 3 digits: 2 for the chapter, then the position"
        )
    return SortOrder(chapter=int(text[:2]), position=int(text[2:]))


def parse_toc(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    key = _plain_text(value).lower()
    if key not in _TOC_VALUES:
        raise FieldError("toc", value, "must be true, false, yes or no")
    return _TOC_VALUES[key]


def parse_sidebartitle(value: object, title: str) -> str:
    if value is None:
        return title
    text = _plain_text(value)
    if not text:
        raise FieldError("sidebartitle", value, "must not be empty; leave it out to use the title")
    return text


def parse_description(value: object, content_html: str) -> str:
    """The `meta` field, or else the first paragraph of the page as plain text."""
    if value is not None:
        text = _plain_text(value)
        if not text:
            raise FieldError("meta", value, "must not be empty; leave it out to use the first paragraph")
        return text
    match = _FIRST_PARAGRAPH.search(content_html or "")
    if not match:
        return ""
    return shorten(Markup(match.group(1)).striptags(), DESCRIPTION_MAX_CHARS)


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters on a word boundary, ending with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _plain_text(value: object) -> str:
    """Metadata values are single-line text; lists (repeated keys) are joined."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(part) for part in value)
    return " ".join(str(value).split())
