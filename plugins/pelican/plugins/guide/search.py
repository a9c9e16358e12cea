"""The search index: Pagefind, run on the written site before it is swapped in.

Only each guide page's `<article data-pagefind-body>` is indexed (its title, headings
and text; the "On this page" list and the page's dates are marked data-pagefind-ignore),
so the sidebar, header and footer never match, and the theme's own pages and the
redirects stay out. The index goes to `pagefind/`, next to `search.html`.
"""

from __future__ import annotations

import subprocess

from pagefind_bin import get_executable

from .workers import die_with_parent

FOLDER = "pagefind"


def start_index(site: str) -> subprocess.Popen:
    """Pagefind, started in the background: it works on its own core while the check runs."""
    return subprocess.Popen(
        [str(get_executable()), "--site", site, "--output-subdir", FOLDER, "--silent"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=die_with_parent,  # it dies with the build, even after SIGKILL
    )  # fmt: skip


def finish_index(process: subprocess.Popen) -> str | None:
    """Wait for Pagefind; None when it succeeded, else what it printed."""
    output, _ = process.communicate()
    return None if process.returncode == 0 else (output.strip() or f"exit status {process.returncode}")
