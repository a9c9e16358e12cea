"""The search index: Pagefind, run on the written site before it is swapped in.

Only each guide page's `<article data-pagefind-body>` is indexed (its title, headings
and text; the "On this page" list and the page's dates are marked data-pagefind-ignore),
so the sidebar, header and footer never match, and the theme's own pages and the
redirects stay out. The index goes to `pagefind/`, next to `search.html`.
"""

from __future__ import annotations

import os
import subprocess

from pagefind_bin import get_executable

from .workers import die_with_parent
from .writer import link_or_copy

FOLDER = "pagefind"
# Set by the devserver: a build keeps the previous index and the devserver brings it up
# to date after the reload, so a save is not held up by indexing the whole guide.
INDEX_LATER = "guide_index_later"


def start_index(site: str, into: str | None = None, language: str | None = None) -> subprocess.Popen:
    """Pagefind, started in the background: it works while the pages are checked. One
    index for the whole guide, in its DEFAULT_LANG: Pagefind would otherwise keep a page
    with `lang: fr` in a French index that the guide's search page never loads."""
    where = ["--output-path", into] if into else ["--output-subdir", FOLDER]
    if language:
        where += ["--force-language", language.split("-")[0].lower()]
    return subprocess.Popen(
        # Highlighted code is left out: its words drown the prose in the results, and it
        # doubles Pagefind's time on a guide of code examples. So are the headings' "#" links.
        [str(get_executable()), "--site", site, *where, "--exclude-selectors", "div.highlight, .headerlink", "--silent"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=die_with_parent,  # it dies with the build, even after SIGKILL
    )  # fmt: skip


def finish_index(process: subprocess.Popen) -> str | None:
    """Wait for Pagefind; None when it succeeded, else what it printed."""
    output, _ = process.communicate()
    return None if process.returncode == 0 else (output.strip() or f"exit status {process.returncode}")


def link_tree(source: str, target: str) -> None:
    """`target` as a copy of `source` made of hard links (copies where links fail)."""
    for folder, _, names in os.walk(source):
        into = os.path.join(target, os.path.relpath(folder, source))
        for name in names:
            link_or_copy(os.path.join(folder, name), os.path.join(into, name))
