"""The guide's raw HTML and Markdown shapes, as a reader sees them in Chromium: a "see also"
well, screenshots and logos (shot, rnd, outl, technical-diagram, width="100%"), style
attributes the build turns into classes, a six-column table, admonitions and highlighted
lines of code. One guide, built once; then the same checks on the theme broken on purpose.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from urllib.parse import urlsplit

import browser_checks as bc
import pytest
from conftest import Guide
from tools import REPO, serve

pytestmark = pytest.mark.browser


PAGE = "styles.html"
TABLE = """| Server | Kind | Language | Licence | Settings | What it is for |
|--------|:----:|----------|---------|---------:|:---------------|
| Apache HTTP Server | web server | C | Apache-2.0 | httpd.conf | static files, and WSGI through mod_wsgi |
| Nginx | web server | C | BSD-2-Clause | nginx.conf | reverse proxy, load balancer and static files |
| Gunicorn | WSGI server | Python | MIT | a Python file | a pre-fork worker model for Python apps |
| uWSGI | app server | C | GPL-2.0 | uwsgi.ini | a full stack for hosting services |
"""
BODY = f"""Servers run every layer of software that answers the requests of web browsers.

<div class="well see-also">Servers are one part of <a href="/servers.html">deploying</a> an application.</div>

## Images

<img src="/img/logo.png" width="100%" alt="A wide logo" class="shot">

<img src="/img/shot.png" alt="A screenshot of a terminal" class="shot rnd outl">

<img src="/img/diagram.png" alt="A diagram of a web server" class="technical-diagram" \
style="border-radius: 5px;">

<img src="/img/shot.png" alt="A logo without a border" style="border:none">

<img src="/img/shot.png" alt="A logo with a border" style="border: 1px solid #ccc">

<div style="margin-top: 20px; padding: 10px;">A box with room around it.</div>

## Servers compared

{TABLE}
## Notes

!!! note
    The configuration file's name depends on the distribution.

!!! warning
    Never run the server as root.

!!! tip
    Start with Gunicorn behind Nginx.

## Code

```python
import os
~~from flask import Flask
app = Flask(__name__)
~~    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
```
"""


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour."""
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def write_styles_guide(guide: Guide) -> None:
    guide.page("styles.md", BODY, title="Styles", slug="styles", sortorder="0501")
    guide.page("servers.md", title="Servers", slug="servers", sortorder="0502")
    guide.file("img/logo.png", png(1600, 200, (31, 78, 121)))  # far wider than any column
    guide.file("img/shot.png", png(240, 160, (40, 40, 40)))
    guide.file("img/diagram.png", png(900, 400, (255, 255, 255)))


def build(guide: Guide, theme_edits=None):
    """The guide built with the theme, or a copy of it with `theme_edits` (file -> edit)."""
    settings = {}
    if theme_edits:
        theme = guide.root / "theme"
        shutil.copytree(REPO / "theme", theme)
        for name, edit in theme_edits.items():
            path = theme / name
            path.write_text(edit(path.read_text(encoding="utf-8") if path.exists() else ""), encoding="utf-8")
        settings["THEME"] = json.dumps(str(theme))
    result = guide.build(settings=settings)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def styles_url(tmp_path_factory):
    guide = Guide(tmp_path_factory.mktemp("styles"))
    write_styles_guide(guide)
    result = build(guide)
    assert result.warning_lines == []  # every style attribute had a class to become
    with serve(result.output) as url:
        yield url


def test_the_build_turned_style_attributes_into_classes(styles_url):
    from urllib.request import urlopen

    html = urlopen(styles_url + PAGE).read().decode()
    assert "style=" not in html.split('<div class="page-body">', 1)[1]
    for classes in (
        'class="technical-diagram rounded"',
        'class="borderless"',
        'class="outlined"',
        'class="spaced"',
        'class="align-center"',
        'class="align-right"',
        'class="align-left"',
    ):
        assert classes in html


@pytest.mark.parametrize("width", [bc.NARROW, bc.DESKTOP])
def test_no_csp_violation_and_the_styles_apply(new_context, styles_url, width):
    seen = bc.visit(new_context(width), styles_url + PAGE, settle=True)
    assert bc.csp_problems(seen) == []
    assert bc.mixed_content_problems(seen) == []
    # The page, its script, then its images: nothing the policy could have blocked went unasked.
    images = {"/img/logo.png", "/img/shot.png", "/img/diagram.png"}
    assert {urlsplit(url).path for url in seen.requests} == {f"/{PAGE}", "/" + bc.SCRIPT, *images}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [bc.PHONE, bc.DESKTOP])
def test_axe_finds_no_wcag_violation(new_context, styles_url, width, scheme):
    page = bc.visit(new_context(width, scheme), styles_url + PAGE).page
    bc.open_disclosures(page)
    problems = bc.axe_problems(page)
    # A box that scrolls is a tab stop (the build gives tables and code blocks tabindex="0"),
    # so axe's scrollable-region-focusable passes on a phone too.
    unreachable = page.evaluate(
        """[...document.querySelectorAll('.page-body table, .page-body pre')]
           .filter(e => e.scrollWidth > e.clientWidth && e.tabIndex < 0).map(e => e.tagName.toLowerCase())"""
    )
    assert unreachable == []
    assert problems == []


def test_no_sideways_scrolling_at_320px(new_context, styles_url):
    page = bc.visit(new_context(bc.NARROW), styles_url + PAGE).page
    assert bc.horizontal_scroll_problems(page) == []
    bc.open_disclosures(page)
    assert bc.horizontal_scroll_problems(page) == []


def test_the_table_scrolls_inside_its_own_box_at_375px(new_context, styles_url):
    page = bc.visit(new_context(bc.PHONE), styles_url + PAGE).page
    assert bc.tables_scroll_inside(page)  # six columns do not fit a phone
    assert bc.table_scroll_problems(page) == []
    assert bc.horizontal_scroll_problems(page) == []


def test_the_table_fits_its_column_on_a_wide_screen(new_context, styles_url):
    page = bc.visit(new_context(bc.DESKTOP), styles_url + PAGE).page
    assert not bc.tables_scroll_inside(page)
    assert bc.table_scroll_problems(page) == []


@pytest.mark.parametrize("width", [bc.NARROW, bc.DESKTOP])
def test_images_stay_within_the_column(new_context, styles_url, width):
    page = bc.visit(new_context(width), styles_url + PAGE, settle=True).page
    assert bc.image_problems(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_classes_boxes_and_admonitions_show(new_context, styles_url, scheme):
    page = bc.visit(new_context(bc.DESKTOP, scheme), styles_url + PAGE).page
    assert bc.class_problems(page) == []
    assert bc.box_problems(page) == []


# Each check catches its target missed ------------------------------------------------------


def replace(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text, f"{old!r} is no longer in the theme: update this test"
        return text.replace(old, new)

    return edit


BREAKS = {
    "tables laid out as tables": (
        {
            "css/45-page-body.css": replace(
                "  display: block;\n  width: fit-content;", "  width: fit-content;"
            )
        },
        bc.PHONE,
        "light",
        bc.horizontal_scroll_problems,
        "scrolls sideways",
    ),
    "a table that clips instead of scrolling": (
        {"css/45-page-body.css": replace("  overflow-x: auto;\n", "  overflow-x: hidden;\n")},
        bc.PHONE,
        "light",
        bc.table_scroll_problems,
        "is cut off",
    ),
    "images free to overflow": (
        {"css/50-images.css": lambda _: ".page-body img { max-width: none; }"},
        bc.DESKTOP,
        "light",
        bc.image_problems,
        "is wider than the column",
    ),
    "no rule for a class the build gives": (
        {
            "css/45-page-body.css": replace(
                ".rnd, .rounded { border-radius: 8px; }", ".rnd { border-radius: 8px; }"
            )
        },
        bc.DESKTOP,
        "light",
        bc.class_problems,
        "class rounded gives borderTopLeftRadius 0px",
    ),
    "admonitions without their colours": (
        {"css/50-plain.css": lambda _: ".admonition { background: none; border: 0; }"},
        bc.DESKTOP,
        "dark",
        bc.box_problems,
        '"admonition note" has no background of its own',
    ),
    "highlighted lines too bright in the dark": (
        {
            "css/10-variables.css": replace(
                "--color-code-line: light-dark(#fff7d6, #3b3520);",
                "--color-code-line: light-dark(#fff7d6, #f2e6a0);",
            )
        },
        bc.DESKTOP,
        "dark",
        bc.axe_problems,
        "color-contrast",
    ),
}


@pytest.mark.parametrize("edits, width, scheme, check, expect", BREAKS.values(), ids=BREAKS.keys())
def test_the_check_names_the_break(tmp_path, new_context, edits, width, scheme, check, expect):
    guide = Guide(tmp_path)
    write_styles_guide(guide)
    site = build(guide, edits)
    with serve(site.output) as url:
        page = bc.visit(new_context(width, scheme), url + PAGE, settle=True).page
        problems = check(page)
    assert any(expect in line for line in problems), problems
