"""guide_publish: what a public copy of the site has besides its pages.

Enabled by `publishconf.py` only. When Pelican has written the site (into guide_build's
staging folder), it writes `sitemap.xml` listing every page under the absolute SITEURL,
`robots.txt` pointing to it, and a `.gz` and a `.br` copy beside every text file,
each kept only when smaller than its source. Everything is made deterministically:
the same sources give the same bytes (dates come from SOURCE_DATE_EPOCH or git).
"""

from .plugin import GuidePublishError, register

__all__ = ["GuidePublishError", "register"]
