"""A page's metadata: the header lines parsed, and each field typed once.

Pure functions, no Pelican: each parser takes the author's text and returns a typed
value, or raises `FieldError` saying what was expected.
"""

from __future__ import annotations

import itertools
import json
import re
from html import unescape
from typing import NamedTuple

from .limits import MAX_NESTING, MAX_SLUG_CHARS, MAX_SORTORDER_DIGITS

DESCRIPTION_MAX_CHARS = 160

# The fields a guide page may carry. Pelican's own fields are accepted as Pelican reads them.
GUIDE_FIELDS = ("title", "slug", "sortorder", "toc", "sidebartitle", "meta", "aliases")
PELICAN_FIELDS = ("category", "status", "date", "modified", "lang", "summary", "author", "authors", "tags")
OVERRIDE_FIELDS = ("save_as", "url", "template")  # only with GUIDE_METADATA_OVERRIDES
REQUIRED_FIELDS = ("title", "slug", "sortorder")
HOME_SLUG = "index"  # the home page: written at index.html, before the chapters
HOME_TEMPLATE = "home"

_KEY_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_MORE_LINE = re.compile(r"^[ ]{4,}(?P<value>.*)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# In a body, tabs and line ends (\r of a Windows file too) are text; the rest is not.
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A language tag as BCP 47 shapes it: "fr", "pt-BR", "zh-Hant-TW", "de-CH-1996".
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_SLUG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_TOC_WORDS = {
    "true": True,
    "yes": True,
    "on": True,
    "1": True,
    "false": False,
    "no": False,
    "off": False,
    "0": False,
}
_TAG = re.compile(r"<[^>]*>")


class FieldError(ValueError):
    """A metadata field holds a value the guide cannot use."""

    def __init__(self, field: str, value: object, expected: str):
        self.field = field
        if value is None:
            super().__init__(f"{field} is missing; it {expected}")
        else:
            super().__init__(f"{field} {quote(value)} {expected}")


class SortOrder(NamedTuple):
    """Where a page stands: `0502` is chapter 5, position 2; with 3 section digits for
    chapter 50, `500010020` is chapter 50, section 1, position 20."""

    chapter: int
    section: int  # 0 in a chapter without sections
    position: int

    def __str__(self) -> str:
        section = f", section {self.section}" if self.section else ""
        return f"chapter {self.chapter}{section}, position {self.position}"


def quote(value: object) -> str:
    """The value as one double-quoted line, whatever characters it holds."""
    return json.dumps(str(value), ensure_ascii=True)


class Header(NamedTuple):
    fields: dict[str, str]  # lowercased key -> value, continuation lines joined
    problems: list[str]
    body: str
    body_line: int  # the 1-based line of the file where the body starts


def parse_header(text: str) -> Header:
    """The `key: value` lines at the top (the Markdown meta extension's grammar), up to the
    first blank line. A repeated key and a control character are problems, never merged."""
    lines = text.split("\n")
    index = 1 if lines and lines[0].strip() == "---" else 0
    fields: dict[str, str] = {}
    problems: list[str] = []
    key = None
    while index < len(lines):
        line = lines[index]
        if not line.strip() or (index > 0 and line.strip() in ("---", "...")):
            index += 1  # the line that ends the header
            break
        if matched := _KEY_LINE.match(line):
            key = matched["key"].lower()
            value = matched["value"].strip()
            if key in fields:
                problems.append(f"{key} is given twice, {quote(fields[key])} and {quote(value)}; keep one")
            else:
                fields[key] = value
        elif key is not None and (more := _MORE_LINE.match(line)):
            fields[key] = f"{fields[key]} {more['value'].strip()}".strip()
        else:
            break  # not a header line: the body starts here
        index += 1
    for name, value in fields.items():
        if _CONTROL.search(value):
            problems.append(f"{name} {quote(value)} holds a control character; remove it")
    return Header(fields, problems, "\n".join(lines[index:]), index + 1)


def unknown_fields(fields, allowed) -> list[tuple[str, str | None]]:
    """Each key nobody reads, with the closest known one."""
    import difflib

    return [
        (key, next(iter(difflib.get_close_matches(key, allowed, n=1)), None))
        for key in fields
        if key not in allowed
    ]


def parse_title(value: str | None) -> str:
    text = _plain(value)
    if not text:
        raise FieldError("title", value, "must be the page's title as plain text")
    return text


def parse_slug(value: str | None, field: str = "slug") -> str:
    """The output file's name. Capitals are allowed (a warning elsewhere): URLs keep them."""
    text = _plain(value)
    if len(text) > MAX_SLUG_CHARS:
        raise FieldError(
            field,
            _start(text),
            f"has {len(text):,} characters, more than the {MAX_SLUG_CHARS} a slug may have (MAX_SLUG_CHARS: "
            "it names the page's files, and a file name holds 255 bytes at most); shorten it",
        )
    if not text or not _SLUG.fullmatch(text) or ".." in text:
        raise FieldError(
            "slug",
            value,
            "must be letters, digits, hyphens, underscores and dots, like web-servers: "
            "it names the page's file, which must stay inside the output folder",
        )
    return text


def parse_sortorder(value: str | None, section_digits: dict[int, int]) -> SortOrder:
    text = _plain(value)
    if not text or not text.isascii() or not text.isdigit():
        raise FieldError("sortorder", _start(value), "must be digits only, like 0502")
    if len(text) > MAX_SORTORDER_DIGITS:
        raise FieldError(
            "sortorder",
            _start(text),
            f"has {len(text):,} digits, more than the {MAX_SORTORDER_DIGITS} a sortorder may have "
            "(MAX_SORTORDER_DIGITS); write 2 digits of chapter, then the position, like 0502",
        )
    if len(text) < 3:
        raise FieldError(
            "sortorder", value, "must have at least 3 digits: 2 for the chapter, then the position"
        )
    chapter = int(text[:2])
    digits = section_digits.get(chapter, 0)
    if digits and len(text) < 3 + digits:
        raise FieldError(
            "sortorder",
            value,
            f"is too short for chapter {chapter}, which has sections: 2 digits of chapter, "
            f"{digits} of section, then the position (GUIDE_SECTIONS)",
        )
    section = int(text[2 : 2 + digits]) if digits else 0
    return SortOrder(chapter, section, int(text[2 + digits :]))


def is_home_slug(value: str | None) -> bool:
    return _plain(value or "") == HOME_SLUG


def parse_home_sortorder(value: str | None) -> SortOrder:
    """The home page's place: before every chapter; it takes no sortorder."""
    if value is not None:
        raise FieldError(
            "sortorder",
            value,
            f"is not for the home page (slug {HOME_SLUG}), which stands before the chapters; remove it",
        )
    return SortOrder(0, 0, 0)


def parse_toc(value: str | None) -> bool:
    if value is None:
        return False
    word = _plain(value).lower()
    if word not in _TOC_WORDS:
        raise FieldError("toc", value, "must be True or False (or yes/no)")
    return _TOC_WORDS[word]


def parse_sidebartitle(value: str | None, title: str) -> str:
    if value is None:
        return title
    text = _plain(value)
    if not text:
        raise FieldError("sidebartitle", value, "must not be empty; leave it out to use the title")
    return text


def parse_aliases(value: str | None, slug: str = "") -> tuple[str, ...]:
    """Old slugs of a renamed page, comma-separated: each once, none the page's own."""
    if value is None:
        return ()
    aliases = tuple(part.strip() for part in value.split(",") if part.strip())
    seen: set[str] = set()
    for alias in aliases:
        if len(alias) > MAX_SLUG_CHARS:
            parse_slug(alias, "aliases")  # says how long, and the limit
        try:
            parse_slug(alias)
        except FieldError:
            raise FieldError(
                "aliases", value, "must be old slugs separated by commas, like old-name, older-name"
            ) from None
        if alias == slug:
            raise FieldError(
                "aliases",
                value,
                f"holds {alias}, the page's own slug: an alias is an old slug that redirects here; remove it",
            )
        if alias in seen:
            raise FieldError("aliases", value, f"lists {alias} twice; keep one")
        seen.add(alias)
    return aliases


def parse_lang(value: str) -> str:
    """The page's language, for its `<html lang>`: a language tag, kept as written."""
    text = _plain(value)
    if not LANGUAGE_TAG.fullmatch(text):
        raise FieldError("lang", value, "must be a language tag, like fr or pt-BR")
    return text


def control_character(body: str, first_line: int) -> str | None:
    """Where the body's first control character is (a NUL, an escape...), or None."""
    found = _BODY_CONTROL.search(body)
    if found is None:
        return None
    line = first_line + body.count("\n", 0, found.start())
    column = found.start() - (body.rfind("\n", 0, found.start()) + 1) + 1
    return f"line {line}, column {column} holds a control character, U+{ord(found[0]):04X}; remove it"


# What opens a level at a line's start: indentation, a `>`, a list marker ("- - x" is a
# list in a list). Each level takes one character of these at least: a line that starts
# with fewer than MAX_NESTING cannot be too deep, and only the others are looked at.
_OPENING = r"[ \t>*+\-0-9.)]"
_FIRST_MAY_BE_DEEP = re.compile(rf"{_OPENING}{{{MAX_NESTING}}}")
_NEXT_MAY_BE_DEEP = re.compile(rf"\n(?={_OPENING}{{{MAX_NESTING}}})")
_PREFIX = re.compile(rf"{_OPENING}+")
_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t])")
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})", re.MULTILINE)


def _levels(prefix: str) -> int:
    """How deep a line's start puts it: a level per `>` and per list marker, and per 4
    columns of the indentation it starts with."""
    indent = len(prefix) - len(prefix.lstrip(" \t"))
    return len(prefix[:indent].expandtabs(4)) // 4 + prefix.count(">") + len(_MARKER.findall(prefix))


def _fenced(body: str) -> list[tuple[int, int]]:
    """The spans of fenced code blocks (``` or ~~~), where indentation is the code's own."""
    spans, opened = [], None
    for fence in _FENCE.finditer(body):
        if opened is None:
            opened = fence
        elif fence[1][0] == opened[1][0] and len(fence[1]) >= len(opened[1]):
            spans.append((opened.start(), fence.end()))
            opened = None
    if opened is not None:
        spans.append((opened.start(), len(body)))
    return spans


def nesting_problem(body: str, first_line: int) -> str | None:
    """The first line where the body nests lists and block quotes deeper than
    MAX_NESTING, or None: found from the Markdown's line starts, before Markdown goes a
    level deeper in its own stack for each."""
    first = [0] if _FIRST_MAY_BE_DEEP.match(body) else []
    starts = itertools.chain(first, (newline.end() for newline in _NEXT_MAY_BE_DEEP.finditer(body)))
    fenced = None
    for start in starts:
        levels = _levels(_PREFIX.match(body, start)[0])
        if levels <= MAX_NESTING:
            continue
        if fenced is None:
            fenced = _fenced(body)
        if any(begin <= start < end for begin, end in fenced):
            continue
        line = first_line + body.count("\n", 0, start)
        return (
            f"line {line}: lists or block quotes nested {levels:,} levels deep, more than the "
            f"{MAX_NESTING} a page may have (MAX_NESTING); flatten them"
        )
    return None


def parse_description(value: str | None, first_paragraph_html: str) -> str:
    """The `meta` field, or else the first paragraph as text, cut on a word boundary."""
    if value is not None:
        text = _plain(value)
        if not text:
            raise FieldError("meta", value, "must not be empty; leave it out to use the first paragraph")
        return text
    return shorten(unescape(_TAG.sub("", first_paragraph_html)), DESCRIPTION_MAX_CHARS)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut on a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _start(value: str | None, chars: int = 24) -> str | None:
    """A long value's start, for a message that must stay one readable line."""
    return value if value is None or len(value) <= chars else value[:chars] + "..."


def _plain(value: str | None) -> str:
    return " ".join(value.split()) if value else ""
