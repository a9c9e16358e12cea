"""guide_check: read the written HTML and prove the guide's navigation came out right.

When the build finishes, every guide page is parsed with BeautifulSoup (lxml) and
checked against the tree guide_navigation built: the sidebar's entries, their
order, labels and links, `aria-current`, the title, the h1 and the description.
`table-of-contents.html` must list every page in reading order, and every link
into the site, on every page the theme writes, must reach a written file. Each problem is
one error line naming the page; any problem fails the build.
"""

from .checks import PageExpectation, check_written_page
from .plugin import GuideCheckError, register

__all__ = ["GuideCheckError", "PageExpectation", "check_written_page", "register"]
