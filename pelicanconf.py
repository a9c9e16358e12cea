"""Pelican settings for the Servers guide (local builds and `make devserver`).

`publishconf.py` starts from these and overrides what publishing needs.
"""

import os

SITENAME = "Full Stack Python"
SITEURL = ""
# Where the site is published. Canonical links and Open Graph URLs must be absolute, so every
# build, local ones too, uses this address for them. The variable SITEURL overrides it.
GUIDE_PUBLIC_URL = os.environ.get("SITEURL", "https://servers-guide.example.org")
RELATIVE_URLS = True
DEFAULT_LANG = "en"
TIMEZONE = "UTC"

PATH = "content"
THEME = "theme"
# Guide pages live in content/pages/, one folder per chapter; there are no articles.
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = []
STATIC_PATHS = []
THEME_STATIC_PATHS = []  # the theme's CSS is inlined into each page

# Pages sit at the site root, as in the original guide: /servers.html.
PAGE_URL = "{slug}.html"
PAGE_SAVE_AS = "{slug}.html"
PAGE_ORDER_BY = "basename"  # guide order comes from sortorder, see guide_navigation
DIRECT_TEMPLATES = ["index", "table-of-contents", "404"]

# Nothing blog-shaped: no feeds, archives, categories, tags or authors.
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAGS_SAVE_AS = ""
TAG_SAVE_AS = ""
ARTICLE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        # Anchors on headings: a visible "#" link after each heading.
        "markdown.extensions.toc": {
            "permalink": "#",
            "permalink_title": "Link to this section",
        },
    },
    "output_format": "html5",
}

# Pelican's content cache: a rebuild re-reads only the files that changed.
CACHE_PATH = ".cache/pelican"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "mtime"

PLUGIN_PATHS = ["plugins"]
# Pelican runs the handlers of a signal in this order (plugins/signals.py sets an ordered
# set): metadata is typed before the navigation reads it, and links are settled before
# the theme and the check.
PLUGINS = [
    "guide_read",
    "guide_metadata",
    "guide_navigation",
    "guide_links",
    "guide_theme",
    "guide_check",
]

# Headings for chapters that have no landing page (a page with `toc: true`).
GUIDE_CHAPTERS = {
    1: "Introduction",
    2: "Development Environments",
    3: "Data",
    4: "Web Development",
    5: "Deployment",
    6: "DevOps",
}

# Links to pages of the complete guide that this site does not carry (the Servers page
# links to /operating-systems.html) are sent there, with a warning for each.
GUIDE_MISSING_PAGES_BASE = "https://www.fullstackpython.com"
