"""The build's limits on what a page may be. Each is checked before the work it protects,
and a page past one is one `error:` line naming the file, the field or line, the limit
and what to do (fields.py, reading.py); the Safety page of the manual lists them.

Each is far beyond what a real guide needs (Full Stack Python's 703 pages: slugs of 70
characters at most, sortorders of 9 digits, lists and quotes 3 levels deep, pages of
150 KB) and well within what the tools under the build can do.
"""

from __future__ import annotations

MAX_PAGE_BYTES = 8 * 1024 * 1024
"""A page's Markdown file. Markdown converts 8 MB in a few seconds; every text run of such
a page stays within the 10 MB lxml reads by default, and the check reads past that anyway."""

MAX_NESTING = 32
"""Lists and block quotes inside each other, in a page's Markdown. Python-Markdown goes a
level deeper in its own stack for each (it fails near 400 with a RecursionError, and takes
minutes for 1,000); 32 levels of lists make about 70 levels of HTML."""

MAX_SLUG_CHARS = 200
"""A slug (or an alias) names files: `slug.html`, its compressed copies (`slug.html.br`),
its Markdown copy. File systems allow 255 bytes in a name."""

MAX_SORTORDER_DIGITS = 20
"""Python reads no integer of more than 4,300 digits; 20 are more than any guide's
chapters, sections and positions need."""

SLOW_PAGE_SECONDS = 10
"""A page still being read after this long is named in an `info:` line, and again after
each such while: nothing runs for minutes without saying so."""
