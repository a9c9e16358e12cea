"""guide_navigation: the guide's order and sidebar tree, worked out once per build.

After the pages are read, the pages are sorted by `sortorder` into chapters. Each
page gets `page.guide_chapter`, `page.prev_page` and `page.next_page`; the whole
tree is the template variable `GUIDE`. Templates only print what is here.
"""

from .plugin import GuideSettingsError, guide_of, register
from .tree import Chapter, Guide, SidebarEntry

__all__ = ["Chapter", "Guide", "GuideSettingsError", "SidebarEntry", "guide_of", "register"]
