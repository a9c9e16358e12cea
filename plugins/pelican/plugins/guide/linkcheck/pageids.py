"""Whether a linked page holds the ids its links' #fragments name, read as it arrives.

lxml's HTML parser is fed the page piece by piece, in a thread beside the checker's event
loop (the loop goes on reading every other answer meanwhile), with a target that keeps
only the names asked for: no tree is built, so a page of any size costs the same little
memory, and a page with a million ids keeps at most the few wanted. The parser's limits
are raised (`huge_tree`: text runs past 10 MB, nesting past 255); where it still gives up,
the result says so rather than reporting the ids it did not reach as missing.
"""

from __future__ import annotations

import contextlib
from urllib.parse import unquote

from lxml import etree

PIECE = 64 * 1024  # bytes read, then parsed, at a time


def wanted_names(fragments) -> frozenset[str]:
    """The ids and `<a name>`s that would satisfy each fragment: as written, decoded, and
    with GitHub's `user-content-` prefix (its script strips it from a README's headings)."""
    names = set()
    for fragment in fragments:
        name = unquote(fragment)
        names.update((fragment, name, f"user-content-{name}"))
    return frozenset(names)


def fragment_found(fragment: str, ids: frozenset[str]) -> bool:
    """Whether a page holding `ids` has the element `#fragment` names."""
    return not wanted_names((fragment,)).isdisjoint(ids)


class IdFinder:
    """One page's parse; `feed` its bytes in order, then `finish`."""

    def __init__(self, wanted: frozenset[str], encoding: str | None = None):
        """`encoding`: the charset the answer's Content-Type names, if any (else the page's
        own `<meta charset>`, or lxml's guess)."""
        self.wanted = wanted
        self.found: set[str] = set()
        self.failed = ""  # what the parser raised, if it did: the rest is not read
        try:
            self.parser = etree.HTMLParser(
                target=self, huge_tree=True, no_network=True, recover=True, encoding=encoding
            )
        except LookupError:  # a charset lxml does not know: let it find the page's own
            self.parser = etree.HTMLParser(target=self, huge_tree=True, no_network=True, recover=True)

    # The parser's target: only start tags are of interest (no text, no tree).
    def start(self, tag, attributes) -> None:
        for value in (attributes.get("id"), attributes.get("name") if tag == "a" else None):
            if value is not None and value in self.wanted:
                self.found.add(value)

    def close(self) -> None:
        return None

    def feed(self, piece: bytes) -> None:
        if piece and not self.failed:
            try:
                self.parser.feed(piece)
            except etree.LxmlError as error:
                self.failed = f"the HTML parser stopped: {' '.join(str(error).split())}"

    def finish(self) -> tuple[frozenset[str], str]:
        """The wanted names found, and why the page could not be read whole ("" if it was)."""
        if self.failed:
            return frozenset(self.found), self.failed
        with contextlib.suppress(etree.LxmlError):  # an empty page: nothing found
            self.parser.close()
        stopped = next(
            (entry for entry in self.parser.error_log if entry.level == etree.ErrorLevels.FATAL), None
        )
        if stopped is None:
            return frozenset(self.found), ""
        return frozenset(self.found), f"the HTML parser stopped at line {stopped.line}: " + " ".join(
            stopped.message.split()
        )
