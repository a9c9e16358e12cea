"""Markdown as the guide writes it.

- A line of a fenced code block that starts with `~~` is highlighted: the marker is
  removed and the line number goes into the fence's `hl_lines`, so Pygments wraps the
  line in `<span class="hll">` (the guide's own build did this with sed on the HTML).
- Pygments' HTML formatter works out its style table once per style, not once per block,
  and a style is looked up once per process (`style_by_name`: a style from a package, such
  as a11y-light, otherwise costs a scan of every installed package's entry points).
- HTML comments (`<!-- a note for co-authors -->`) are left out of what is published,
  the page and its Markdown copy alike; inside code they are code, and stay.
"""

from __future__ import annotations

import functools
import re
from typing import ClassVar

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from pygments.formatters.html import HtmlFormatter
from pygments.styles import get_style_by_name

MARKER = "~~"
style_by_name = functools.cache(get_style_by_name)
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ ]*(?P<info>.*?)[ ]*$")
_HL_LINES = re.compile(r"""hl_lines=(["'])(?P<lines>.*?)\1""")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MARKED = re.compile(r"<!--guide-comment-(\d+):")


class HighlightedLines(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(lines):
            opening = _FENCE.match(lines[index])
            if not opening:
                out.append(lines[index])
                index += 1
                continue
            fence = opening["fence"]
            end = index + 1
            while end < len(lines) and not (
                lines[end].startswith(fence[0] * len(fence)) and not lines[end].strip(fence[0]).strip()
            ):
                end += 1
            block = lines[index + 1 : end]
            marked = [number for number, line in enumerate(block, 1) if line.startswith(MARKER)]
            if marked:
                block = [line[len(MARKER) :] if line.startswith(MARKER) else line for line in block]
                out.append(_with_hl_lines(fence, opening["info"], marked))
            else:
                out.append(lines[index])
            out += block
            if end < len(lines):
                out.append(lines[end])
            index = end + 1
        return out


def _with_hl_lines(fence: str, info: str, marked: list[int]) -> str:
    numbers = " ".join(str(number) for number in marked)
    existing = _HL_LINES.search(info)
    if existing:
        numbers = f"{existing['lines']} {numbers}"
        info = _HL_LINES.sub("", info).strip()
    if info.startswith("{") and info.endswith("}"):
        return f'{fence}{{{info[1:-1].strip()} hl_lines="{numbers}"}}'
    return f'{fence}{info} hl_lines="{numbers}"'


def without_comments(text: str, markdown) -> str:
    """`text` less the HTML comments Markdown would pass on as raw HTML. Those inside a
    fenced or indented code block or a code span are code, which Markdown escapes, and
    stay. Markdown itself tells the two apart: each comment is marked, and the text
    converted once; a mark that comes out as raw HTML is a comment. (Only pages that hold
    `<!--` pay for the extra conversion.)"""
    found = list(_COMMENT.finditer(text))
    if not found:
        return text
    marked, position = [], 0
    for number, comment in enumerate(found):
        # Same lines, same spacing: the blocks Markdown sees are the author's.
        marked += [
            text[position : comment.start()],
            f"<!--guide-comment-{number}:",
            re.sub(r"\S", "x", comment[0][4:-3]),
            "-->",
        ]
        position = comment.end()
    marked.append(text[position:])
    markdown.reset()
    raw = {int(number) for number in _MARKED.findall(markdown.convert("".join(marked)))}
    markdown.reset()
    kept, position = [], 0
    for number, comment in enumerate(found):
        if number in raw:
            kept.append(text[position : comment.start()])
            position = comment.end()
    kept.append(text[position:])
    return "".join(kept)


class StyleTableOnce(HtmlFormatter):
    """HtmlFormatter with its class-to-style tables made once per style and options:
    Markdown's codehilite makes a formatter for every block, and each made the tables."""

    _tables: ClassVar[dict] = {}

    def _create_stylesheet(self):
        key = (self.style, self.classprefix, self.nobackground)
        if key not in self._tables:
            super()._create_stylesheet()
            self._tables[key] = (self.ttype2class, self.class2style)
        self.ttype2class, self.class2style = self._tables[key]


class GuideMarkdown(Extension):
    def extendMarkdown(self, md):
        # Before fenced_code (25), which reads the fence and its hl_lines.
        md.preprocessors.register(HighlightedLines(md), "guide_highlighted_lines", 27)
