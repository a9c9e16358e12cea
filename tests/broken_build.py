"""`guide-build` with one piece of the navigation code broken on purpose, for the tests
that prove the check does not trust the code that made the HTML.

    python tests/broken_build.py CASE [guide-build arguments]
"""

from __future__ import annotations

import sys

from pelican.plugins.guide import build, navigation
from pelican.plugins.guide.editions import book, printed

_original_init = navigation.Guide.__init__


def _after_init(change):
    def init(self, *args, **kwargs):
        _original_init(self, *args, **kwargs)
        change(self)

    navigation.Guide.__init__ = init


def wrong_label():
    """Chapter headings printed the old way: "5: DEPLOYMENT"."""

    def change(guide):
        for chapter in guide.chapters:
            if chapter.entries[0].url is None:
                chapter.entries[0].label = f"{chapter.number}: {chapter.entries[0].label.upper()}"

    _after_init(change)


def wrong_tie_order():
    """Pages that share a sortorder ordered by slug backwards."""
    navigation.order_key = lambda page: (page.sortorder, [-ord(char) for char in page.slug])


def section_dropped():
    """The last section of a sectioned chapter left out."""

    def change(guide):
        for chapter in guide.chapters:
            if chapter.sectioned:
                chapter.under.pop()

    _after_init(change)


def second_toc_page_ignored():
    """Only the first `toc: true` page of a chapter listed."""

    def change(guide):
        for chapter in guide.chapters:
            del chapter.entries[1:]

    _after_init(change)


def current_marked_on_the_chapter():
    """aria-current on the chapter's entry as well as on the page."""
    original = navigation.Guide.sidebar

    def sidebar(self, page=None):
        items = original(self, page)
        return tuple(
            navigation.Item(item.entry, item.current or bool(item.children), item.children) for item in items
        )

    navigation.Guide.sidebar = sidebar


def _folded(items, open_: bool):
    return tuple(
        navigation.Item(
            item.entry, item.current, _folded(item.children, open_), open_ and bool(item.children)
        )
        for item in items
    )


def groups_left_closed():
    """Every group of every sidebar closed, the current page's too."""
    original = navigation.Guide.sidebar
    navigation.Guide.sidebar = lambda self, page=None: _folded(original(self, page), False)


def every_group_open():
    """Every group open, on the contents pages too."""
    original = navigation.Guide.tree
    navigation.Guide.tree = lambda self: tuple(
        navigation.Item(item.entry, item.current, _folded(item.children, True), anchor=item.anchor)
        for item in original(self)
    )


def images_unsized():
    """Images left as the author wrote them: no width and height from their files."""
    from pelican.plugins.guide import links

    links.sized = lambda html, page_url, root: (html, [])


def breadcrumb_without_section():
    """The breadcrumb of a page in a section without the section."""
    original = navigation.Guide.breadcrumb
    navigation.Guide.breadcrumb = lambda self, page: original(self, page)[:1]


def _book_contents(change):
    original = book.contents
    book.contents = lambda guide: change(original(guide))


def book_page_dropped():
    """The EPUB's reading order without its third page."""
    original = book.reading_order
    book.reading_order = lambda guide: [page for index, page in enumerate(original(guide)) if index != 2]


def book_pages_swapped():
    """The EPUB's first two pages the other way round."""
    original = book.reading_order

    def swapped(guide):
        pages = original(guide)
        return [pages[1], pages[0], *pages[2:]]

    book.reading_order = swapped


def book_wrong_label():
    """A chapter of the EPUB's contents labelled in capitals."""

    def change(lines):
        first = lines[0][0] if isinstance(lines[0], tuple) else lines[0]
        first.title = first.title.upper()
        return lines

    _book_contents(change)


def book_wrong_section():
    """The first page of a section listed at the end of the section before it."""

    def change(lines):
        for line in lines:
            if isinstance(line, tuple):
                sections = [child for child in line[1] if isinstance(child, tuple)]
                if len(sections) >= 2:
                    moved = sections[1][1].pop(0)
                    sections[0][1].append(moved)
                    break
        return lines

    _book_contents(change)


def print_pages_swapped():
    """print.html with the first two pages of its first chapter the other way round."""
    original = printed.chapters

    def swapped(guide, site, language):
        chapters, problems = original(guide, site, language)
        articles = chapters[0].articles
        articles[0], articles[1] = articles[1], articles[0]
        return chapters, problems

    printed.chapters = swapped


def print_wrong_label():
    """print.html's contents with the last chapter's heading renamed."""
    original = printed.contents

    def renamed(guide):
        lines = original(guide)
        return (*lines[:-1], printed.Line("Appendix", lines[-1].href, lines[-1].children))

    printed.contents = renamed


CASES = {
    case.__name__: case
    for case in (
        images_unsized,
        breadcrumb_without_section,
        wrong_label,
        wrong_tie_order,
        section_dropped,
        second_toc_page_ignored,
        current_marked_on_the_chapter,
        groups_left_closed,
        every_group_open,
        book_page_dropped,
        book_pages_swapped,
        book_wrong_label,
        book_wrong_section,
        print_pages_swapped,
        print_wrong_label,
    )
}

if __name__ == "__main__":
    CASES[sys.argv[1]]()
    sys.exit(build.build(sys.argv[2:]))
