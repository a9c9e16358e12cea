"""The pages of a chapter in the sidebar, each rendered once per build, not once per page.

Every page of a chapter lists all of the chapter's pages, so a template loop would
render chapter-size² links per chapter. Here each link is rendered by the theme's
own partial (`partials/sidebar-item.html`) at most twice per build, as a plain link
and as the current page's, and each page's list is joined from those pieces.
"""

from __future__ import annotations

from markupsafe import Markup

ITEM_TEMPLATE = "partials/sidebar-item.html"


class SidebarItems:
    """Template global `sidebar_items(chapter, page, SITEURL)`: the chapter's pages as <li> lines."""

    def __init__(self, env):
        self._template = env.get_template(ITEM_TEMPLATE)
        self._plain: dict[tuple[int, str], list[str]] = {}  # (chapter, SITEURL) -> items
        self._positions: dict[int, dict[int, int]] = {}  # chapter -> {page: index}

    def _render(self, entry, current: bool, siteurl: str) -> str:
        return self._template.render(entry=entry, current=current, SITEURL=siteurl).strip()

    def __call__(self, chapter, page, siteurl: str) -> Markup:
        # SITEURL is part of the key: with relative URLs it differs by folder.
        key = (id(chapter), siteurl)
        if key not in self._plain:
            self._plain[key] = [self._render(entry, False, siteurl) for entry in chapter.pages]
            self._positions[id(chapter)] = {id(entry): i for i, entry in enumerate(chapter.pages)}
        items = self._plain[key]
        position = self._positions[id(chapter)].get(id(page))
        if position is not None:
            items = items.copy()
            items[position] = self._render(page, True, siteurl)
        return Markup("\n".join(items))
