"""guide_links: point links to pages of the full guide that this site does not carry.

A page may link to another page of the complete guide (`/operating-systems.html`)
that is not part of this build. With `GUIDE_MISSING_PAGES_BASE` set (the complete
guide's address), such a link is rewritten to that address, with one warning per
link. Set it to None to have these links stop the build instead.
"""

from .plugin import GuideLinksError, register

__all__ = ["GuideLinksError", "register"]
