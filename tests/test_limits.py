"""The build at its limits: each limit (limits.py) is checked before the work it protects
and is one `error:` line naming the page, the field or line, the limit and what to do; the
check never judges a page its parser gave up on; nothing runs for minutes without saying
so; and a build stopped by an error, Ctrl-C or a kill leaves no staging folder."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from conftest import CONFFILE, GUIDE_BUILD, REPO, Guide
from pelican.plugins.guide.check import page as checks
from pelican.plugins.guide.limits import MAX_NESTING, MAX_SLUG_CHARS


def nested_lists(levels: int) -> str:
    return "".join("    " * level + f"- item {level}\n" for level in range(levels))


def around(guide: Guide) -> None:
    """The pages before and after the one at a limit: its pager must reach them."""
    guide.page("intro.md", "The start.\n", title="Intro", slug="intro", sortorder="0101")
    guide.page("end.md", "The end.\n", title="End", slug="end", sortorder="0199")


def staging_left(root) -> list[str]:
    return sorted(path.name for path in root.glob(".*staging*"))


# (file, metadata beyond the title, body, the error after "error: FILE: ")
LIMITS = [
    (
        "long-slug.md",
        {"slug": "s" * 251, "sortorder": "0110"},
        "Text.\n",
        f'slug "{"s" * 24}..." has 251 characters, more than the {MAX_SLUG_CHARS} a slug may have '
        "(MAX_SLUG_CHARS: it names the page's files, and a file name holds 255 bytes at most); shorten it",
    ),
    (
        "long-alias.md",
        {"slug": "long-alias", "sortorder": "0111", "aliases": "a" * 300},
        "Text.\n",
        f'aliases "{"a" * 24}..." has 300 characters, more than the {MAX_SLUG_CHARS} a slug may have '
        "(MAX_SLUG_CHARS: it names the page's files, and a file name holds 255 bytes at most); shorten it",
    ),
    (
        "long-sortorder.md",
        {"slug": "long-sortorder", "sortorder": "01" + "9" * 4998},
        "Text.\n",
        f'sortorder "01{"9" * 22}..." has 5,000 digits, more than the 20 a sortorder may have '
        "(MAX_SORTORDER_DIGITS); write 2 digits of chapter, then the position, like 0502",
    ),
    (
        "lists-400.md",
        {"slug": "lists-400", "sortorder": "0112"},
        nested_lists(400),  # a RecursionError, naming no file
        f"line {5 + MAX_NESTING}: lists or block quotes nested {MAX_NESTING + 1} levels deep, "
        f"more than the {MAX_NESTING} a page may have (MAX_NESTING); flatten them",
    ),
    (
        "lists-10000.md",  # took minutes, and printed nothing meanwhile
        {"slug": "lists-10000", "sortorder": "0113"},
        "Text.\n\n" + "- " * 10_000 + "item\n",
        f"line 7: lists or block quotes nested 10,000 levels deep, more than the {MAX_NESTING} a page "
        "may have (MAX_NESTING); flatten them",
    ),
    (
        "quotes.md",
        {"slug": "quotes", "sortorder": "0114"},
        "Text.\n\n" + "> " * 300 + "deep\n",
        f"line 7: lists or block quotes nested 300 levels deep, more than the {MAX_NESTING} a page "
        "may have (MAX_NESTING); flatten them",
    ),
    (
        "huge.md",  # a 20 MB one-line paragraph
        {"slug": "huge", "sortorder": "0115"},
        "word " * 4_000_000 + "\n",
        "is 19.1 MB, more than the 8 MB a page may be (MAX_PAGE_BYTES); split it into pages",
    ),
]


def test_each_limit_is_one_error_line_naming_the_page_and_no_staging_folder_is_left(guide):
    """12, 13: every page past a limit is refused before Markdown reads it, in one line
    each; the build stops with nothing written and no staging folder beside the output."""
    around(guide)
    for name, metadata, body, _ in LIMITS:
        guide.page(name, body, title=name, **metadata)
    result = guide.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    expected = [f"error: {guide.content / 'pages' / name}: {message}" for name, _, _, message in LIMITS]
    assert sorted(result.error_lines[:-1]) == sorted(expected), result.stderr
    assert result.error_lines[-1].startswith(f"error: {len(LIMITS)} errors; nothing was written")
    assert not guide.output.exists() and staging_left(guide.root) == []


def test_nesting_at_the_limit_and_html_past_lxmls_defaults_are_judged_right(guide):
    """11: lists exactly MAX_NESTING deep, and raw HTML nested 300 levels (past the 255
    lxml reads by default, which made the check report "prev link goes to None"), are
    built and checked right: their pager is found where it is."""
    around(guide)
    body = nested_lists(MAX_NESTING) + "\n" + "<div>" * 150 + "<blockquote>" * 150 + "deep"
    body += "</blockquote>" * 150 + "</div>" * 150 + "\n"
    guide.page("deep.md", body, title="Deep", slug="deep", sortorder="0150")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    pager = result.soup("deep.html").select("nav.pager a[rel]")
    assert [(link["rel"][0], link["href"]) for link in pager] == [
        ("prev", "./intro.html"),
        ("next", "./end.html"),
    ]


def test_html_past_the_checks_parser_is_refused_in_one_line(guide):
    """11: raw HTML nested past the 2,048 levels lxml reads even with its limits raised is
    refused by the check in one line; the site is not swapped in."""
    around(guide)
    guide.page(
        "deeper.md",
        "<div>" * 3000 + "x" + "</div>" * 3000 + "\n",
        title="Deeper",
        slug="deeper",
        sortorder="0150",
    )
    result = guide.build()
    assert result.returncode == 1
    where = f"error: {guide.content / 'pages' / 'deeper.md'} (deeper.html): "
    assert result.error_lines[0].startswith(
        where + "cannot be read back by the check: the HTML parser stopped"
    )
    assert result.error_lines[0].endswith("(Excessive depth in document: 2048); flatten the page's HTML")
    assert result.error_lines[1:] == [
        f"error: 1 error; the site was not swapped in; {guide.output} was left as it was"
    ]
    assert staging_left(guide.root) == []


def test_the_checks_parser_reads_past_lxmls_defaults():
    """11, on the parser itself: a text run past 10 MB and nesting past 255 are read whole
    (what follows them is found); past 2,048 levels the page is Unreadable, not misjudged."""
    tail = '<nav class="pager"><a rel="next" href="end.html">End</a></nav>'
    long_run = checks.parse("<p>" + "a" * 12_000_000 + "</p>" + tail)
    deep = checks.parse("<div>" * 1000 + "x" + "</div>" * 1000 + tail)
    for root in (long_run, deep):
        assert root.xpath("//nav[@class='pager']/a/@href") == ["end.html"]
    with pytest.raises(checks.Unreadable, match="Excessive depth in document: 2048"):
        checks.parse("<div>" * 2100 + tail)


def held_build(guide: Guide, tmp_path, **environment) -> subprocess.Popen:
    """guide-build of `guide`, whose page hold.md holds it (tests/hold_markdown.py)."""
    guide.page("hold.md", "HOLD HERE\n", title="Hold", slug="hold", sortorder="0150")
    conffile = tmp_path / "holdconf.py"
    conffile.write_text(
        "import sys\n"
        f"sys.path[:0] = [{str(REPO)!r}, {str(REPO / 'tests')!r}]\n"
        f"from {CONFFILE.stem} import *  # noqa\n"
        "MARKDOWN = {**MARKDOWN, 'extension_configs': "
        "{**MARKDOWN['extension_configs'], 'hold_markdown': {}}}\n"
        "GUIDE_SEARCH = False\n"
    )
    command = [str(GUIDE_BUILD), str(guide.content), "-o", str(guide.output), "-s", str(conffile)]
    command += ["--cache-path", str(tmp_path / "cache")]
    return subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_page_still_being_read_is_named_meanwhile(guide, tmp_path):
    """13: nothing runs for minutes without saying so. The page takes a second, the notice
    is set to every 0.2 s: it is named while it is read, and the build then succeeds."""
    around(guide)
    build = held_build(guide, tmp_path, GUIDE_TEST_SLOW="0.2")
    _, err = build.communicate(timeout=120)
    assert build.returncode == 0, err
    notices = [line for line in err.splitlines() if "still being read" in line]
    assert notices and notices[0].startswith(
        f"info: {guide.content / 'pages' / 'hold.md'}: still being read after 0 s; a page this long "
        "or this deeply nested takes a while (the manual's Safety and limits page lists the limits)"
    )


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_a_build_stopped_midway_leaves_no_staging_folder(guide, tmp_path, stop):
    """13: Ctrl-C, a kill, even SIGKILL, while a page is read: the staging folder goes
    (the build removes it, or its guardian once the build is gone), and the output is
    as it was."""
    around(guide)
    assert guide.build().returncode == 0
    before = sorted(path.name for path in guide.output.iterdir())
    marker = tmp_path / "holding"
    build = held_build(guide, tmp_path, GUIDE_TEST_HOLD=str(marker))
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), build.communicate()[1]
        assert len(staging_left(guide.root)) == 1  # the build is writing into it
        build.send_signal(stop)
        _, err = build.communicate(timeout=60)
    finally:
        build.kill()
    assert build.returncode != 0 and "Traceback" not in err
    if stop == signal.SIGINT:
        assert err.splitlines()[-1] == "error: interrupted; the output folder was left as it was"
    deadline = time.monotonic() + 30  # the guardian wakes as the build ends
    while staging_left(guide.root) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert staging_left(guide.root) == []
    assert sorted(path.name for path in guide.output.iterdir()) == before
