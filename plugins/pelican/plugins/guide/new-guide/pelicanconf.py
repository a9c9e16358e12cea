"""Pelican settings for this guide: `make html` and `make devserver` build with them.

The guide plugin gives Pelican's other settings the values it needs: its theme, pages at
the site root ({slug}.html), no blog articles, every file of content/ copied, and the
Markdown extensions its theme styles. pelican-guide's README lists every GUIDE_* setting.
"""

import os

SITENAME = "{{title}}"
SITEURL = ""
RELATIVE_URLS = True
# Where the site is published: canonical links and Open Graph URLs. The SITEURL
# environment variable overrides it (`SITEURL=https://... make publish`).
GUIDE_PUBLIC_URL = os.environ.get("SITEURL", "{{public_url}}")
DEFAULT_LANG = "en"
TIMEZONE = "UTC"

# Pages are Markdown files under content/pages/, a folder per chapter. Every other file
# of content/ (content/img/...) is copied to the same path in the site.
PATH = "content"
PAGE_PATHS = ["pages"]

PLUGINS = ["guide"]

# A chapter's sidebar heading is its `toc: true` page; a chapter without one is named here.
GUIDE_CHAPTERS = {2: "2. Writing"}

# No feeds: the guide has pages, not blog articles.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# What the build keeps between builds, so a rebuild redoes only what changed
# (`make clean` removes it; .gitignore leaves it out of git).
CACHE_PATH = ".cache"
LOAD_CONTENT_CACHE = True
