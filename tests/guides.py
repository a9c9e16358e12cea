"""A small synthetic guide with every shape the real guide has, for the navigation tests.

- chapter 1: one `toc: true` page (its sidebartitle carries its number) and two pages;
- chapter 5: no toc page, so the heading from GUIDE_CHAPTERS; two pages share a sortorder
  (ordered by slug, with a warning); a slug with capitals;
- chapter 7: five `toc: true` pages and nothing else, as the guide's meta chapter;
- chapter 50: sections (GUIDE_SECTIONS = {50: 3}), 9-digit sortorders;
- chapter 60: named nowhere, so "Chapter 60" and a warning;
- a hidden page, a body <h1>, `~~` lines in code, an image, an alias.
"""

from __future__ import annotations

CHAPTERS = {5: "5. Deployment", 7: "Meta", 50: "Code Examples"}
SECTIONS = {50: 3}

CODE = """Some text about the page.

```python
import os
~~from flask import Flask
app = Flask(__name__)
~~    app.run()
```
"""


def write_every_shape(guide) -> None:
    page = guide.page
    page(
        "01/00.md",
        title="Introduction",
        sidebartitle="1. Introduction",
        slug="introduction",
        sortorder="0100",
        toc="True",
    )
    page("01/02.md", title="Learning path", slug="learning-path", sortorder="0102")
    page(
        "01/01.md",
        title="Why Python?",
        sidebartitle="Why Python",
        slug="why-python",
        sortorder="0101",
        meta="Why the guide uses Python.",
    )
    page(
        "05/servers.md",
        "Servers run the code.\n\n![Logo](/img/logo.png)\n\n## Bare metal\n\n## Virtual\n",
        title="Servers",
        slug="servers",
        sortorder="0502",
        aliases="servers-old, machines",
    )
    page("05/apache.md", title="Apache", slug="apache", sortorder="0502")
    page("05/hosting.md", title="Hosting", slug="hosting", sortorder="0501")
    page("05/oracle.md", title="Oracle", slug="Oracle", sortorder="0503")
    for number, name in enumerate(
        ["Changelog", "What Full Stack Means", "About the Author", "Future Directions", "Page Statuses"]
    ):
        slug = name.lower().replace(" ", "-")
        page(f"meta/{number}.md", title=name, slug=slug, sortorder=f"070{number}", toc="True")
    page("ex/django.md", title="Django Extensions", slug="django-extensions", sortorder="500010000")
    page("ex/django-code.md", title="Django Example Code", slug="django-code", sortorder="500010001")
    page("ex/django-apps.md", CODE, title="django.apps AppConfig", slug="django-apps", sortorder="500010020")
    page("ex/flask.md", title="Flask Extensions", slug="flask-extensions", sortorder="500020000")
    page(
        "ex/flask-app.md",
        "# Example 2\n\nText.\n",
        title="flask.app Flask",
        slug="flask-app",
        sortorder="500021001",
    )
    page("ex/pandas.md", title="pandas Example Code", slug="pandas-code", sortorder="500090001")
    page("60/x.md", title="Stray", slug="stray", sortorder="6001")
    page("01/hidden.md", title="Hidden notes", slug="hidden-notes", sortorder="0109", status="hidden")
    guide.file("img/logo.png", tiny_png(40, 20))


def tiny_png(width: int, height: int) -> bytes:
    """A real PNG of one colour: the build reads its width and height from it."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def every_shape_settings(guide, **more):
    return guide.settings(GUIDE_CHAPTERS=CHAPTERS, GUIDE_SECTIONS=SECTIONS, **more)


def sidebar(soup):
    """(depth, label, href, current) for every line of the sidebar, as a reader meets them."""
    nav = soup.select_one('nav[aria-label="Table of contents"]')
    return nested_list(nav.find("ol"))


def nested_list(ordered_list, depth: int = 0) -> list[tuple]:
    lines = []
    for item in ordered_list.find_all("li", recursive=False):
        node = item.find(["a", "span"], recursive=False)
        lines.append(
            (
                depth,
                " ".join(node.get_text("").split()),  # a <wbr> in a label adds no space
                node.get("href"),
                node.get("aria-current") == "page",
            )
        )
        group = item.find("details", recursive=False) or item
        for nested in group.find_all("ol", recursive=False):
            lines += nested_list(nested, depth + 1)
    return lines


def groups(soup) -> dict[str, bool]:
    """Each group of the sidebar (a line with lines under it), by label: open or not."""
    nav = soup.select_one('nav[aria-label="Table of contents"]')
    return {
        details.parent.find(["a", "span"], recursive=False).get_text("", strip=True): details.has_attr("open")
        for details in nav.find_all("details")
    }


def contents(soup) -> list[tuple]:
    """(depth, label, href, current) for every line of a contents page: chapters are headings."""
    lines = []
    for child in soup.select_one("main .contents").find_all(["h2", "ol"], recursive=False):
        if child.name == "h2":
            node = child.find(["a", "span"])
            lines.append((0, node.get_text("", strip=True), node.get("href"), False))
        else:
            lines += nested_list(child, 1)
    return lines
