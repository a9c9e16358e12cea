"""What a linked host or a page sends, made fit to show: it is data, never instructions.

- `clean` turns any text into one printable line: bytes that were not UTF-8 (Python holds
  them as lone surrogates) become U+FFFD, and control characters are shown as escapes
  (`\\x1b`), so no ESC sequence reaches the terminal and the JSON is valid UTF-8.
- `hide_credentials` replaces the password of a URL (`https://alice:S3cret@host/`) with
  `***`, and a user name given alone (often a token) too: nothing the report prints or
  the cache keeps holds one.
"""

from __future__ import annotations

import re

MAX_SHOWN = 200  # characters of a host's phrase or address shown; the rest is cut

# C0 and C1 controls, DEL, and the invisible marks that reorder or hide text on a terminal
# (bidirectional overrides and isolates, zero-width characters, the BOM).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# The user information of an address in any text: scheme://user[:password]@
_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#@\s]*)@")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match[0]
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def clean(text: str, limit: int | None = None) -> str:
    """One printable line: undecodable bytes as U+FFFD, control characters as escapes,
    at most `limit` characters (with an ellipsis)."""
    text = _CONTROL.sub(_escape, _SURROGATE.sub("\ufffd", str(text)))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _hidden(match: re.Match) -> str:
    user, colon, _ = match[2].partition(":")
    return f"{match[1]}{user}:***@" if colon else f"{match[1]}***@"


def hide_credentials(text: str) -> str:
    """Every address in `text` without its password (`user:***@`), or without a user name
    given alone (`***@`, as a token often is)."""
    return _CREDENTIALS.sub(_hidden, text) if "@" in text else text


def shown(text: str, limit: int | None = None) -> str:
    """Anything from a host or a page, for the report: credentials hidden, one clean line."""
    return clean(hide_credentials(text), limit)
