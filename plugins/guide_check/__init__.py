"""guide_check: read the written HTML and prove the guide's navigation came out right.

Every guide page is parsed once with lxml, as soon as Pelican has written it, in a
second process (site.py), and checked against the tree guide_navigation built: the
sidebar's entries, their order, labels and links, `aria-current`, the title, the
h1 and the description. Pages that passed unchanged in the last build are skipped
(verified.py).
`table-of-contents.html` must list every page in reading order, and every link
into the site, on every page the theme writes, must reach a written file. Each problem is
one error line naming the page; any problem fails the build.
"""

from .checks import PageExpectation, check_written_page
from .plugin import GuideCheckError, register

__all__ = ["GuideCheckError", "PageExpectation", "check_written_page", "register"]
