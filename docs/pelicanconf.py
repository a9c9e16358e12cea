"""Pelican settings for pelican-guide's own manual: a guide built by the project itself.

`make docs` builds it into docs/output/ with strict mode on, through the same `guide-build`
as the Servers site; its sidebar, contents, search and links are proven by the same check.
"""

import os

SITENAME = "pelican-guide"
SITESUBTITLE = "A Pelican plugin and theme for documentation guides whose navigation is proven right."
SITEURL = ""
RELATIVE_URLS = True
# Published under /docs/ of the project's Pages site; the SITEURL environment variable
# names the site's address, as for the Servers site.
GUIDE_PUBLIC_URL = os.environ.get("SITEURL", "https://servers-guide.example.org").rstrip("/") + "/docs/"
DEFAULT_LANG = "en"
TIMEZONE = "UTC"

PATH = "content"
PAGE_PATHS = ["pages"]
PLUGINS = ["guide"]
CACHE_PATH = "../.cache/docs"
# No feeds: a guide has pages, not blog articles. (The plugin turns them off too, but
# Pelican warns about feeds while it reads this file, before any plugin runs.)
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = True

# Chapter 6's five pages each have `toc: true`: they are its top-level entries.
GUIDE_CHAPTERS = {6: "6. Running a guide"}
# Every link between pages of the manual must reach one: no complete guide to send them to.
GUIDE_MISSING_PAGES_BASE = None
GUIDE_STRICT = True
