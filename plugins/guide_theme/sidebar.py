"""The sidebar's lines, each rendered once per build by the theme's partials, not once per page.

Every page prints every chapter's line and all the pages of its own chapter, so template
loops would render about chapters x pages + chapter-size² links per build. Here each
line is rendered by its partial (`partials/sidebar-chapter.html`, `sidebar-item.html`) at
most twice per folder in a build, as a plain link and as the current page's, and each
page's sidebar is joined from those pieces.
"""

from __future__ import annotations

from markupsafe import Markup

CHAPTER_TEMPLATE = "partials/sidebar-chapter.html"
ITEM_TEMPLATE = "partials/sidebar-item.html"


class Sidebar:
    """Template global `sidebar`: `chapter_line(...)` and `page_lines(...)` as markup."""

    def __init__(self, env):
        self._chapter_template = env.get_template(CHAPTER_TEMPLATE)
        self._item_template = env.get_template(ITEM_TEMPLATE)
        # SITEURL is in every key: with relative URLs it differs from folder to folder.
        self._chapter_lines: dict[tuple[int, bool, str], Markup] = {}
        self._page_lines: dict[tuple[int, str], list[str]] = {}
        self._positions: dict[int, dict[int, int]] = {}  # chapter -> {page: index}

    def chapter_line(self, chapter, page, siteurl: str) -> Markup:
        current = chapter.landing is not None and chapter.landing is page
        key = (id(chapter), current, siteurl)
        if key not in self._chapter_lines:
            html = self._chapter_template.render(chapter=chapter, current=current, SITEURL=siteurl)
            self._chapter_lines[key] = Markup(html.strip())
        return self._chapter_lines[key]

    def page_lines(self, chapter, page, siteurl: str) -> Markup:
        key = (id(chapter), siteurl)
        if key not in self._page_lines:
            self._page_lines[key] = [self._item(entry, False, siteurl) for entry in chapter.pages]
            self._positions[id(chapter)] = {id(entry): i for i, entry in enumerate(chapter.pages)}
        lines = self._page_lines[key]
        position = self._positions[id(chapter)].get(id(page))
        if position is not None:
            lines = lines.copy()
            lines[position] = self._item(page, True, siteurl)
        return Markup("\n".join(lines))

    def _item(self, entry, current: bool, siteurl: str) -> str:
        return self._item_template.render(entry=entry, current=current, SITEURL=siteurl).strip()
