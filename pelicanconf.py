"""Pelican settings for the guide (local builds and `make devserver`).

`publishconf.py` starts from these and overrides what publishing needs. Every GUIDE_*
setting, with its default, is in plugins/pelican/plugins/guide/settings.py.
"""

import os

SITENAME = "Full Stack Python"
SITESUBTITLE = "A guide to building, deploying and operating Python web applications."
AUTHOR = "Matt Makai"  # the EPUB's author (make epub, make publish)
SITEURL = ""
RELATIVE_URLS = True
# Where the site is published: canonical links and Open Graph URLs. The SITEURL
# environment variable overrides it, for local builds and `make publish` alike.
GUIDE_PUBLIC_URL = os.environ.get("SITEURL", "https://servers-guide.example.org")
DEFAULT_LANG = "en"
TIMEZONE = "UTC"

PATH = "content"
THEME = "theme"
# Pages live under content/pages/, a folder per chapter. Every other file of the content
# folder (content/img/...) is copied to the same path in the site.
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = []
STATIC_PATHS = [""]
IGNORE_FILES = [".*", "*~", "#*#"]

# Pages sit at the site root, as in the original guide: /servers.html.
PAGE_URL = "{slug}.html"
PAGE_SAVE_AS = "{slug}.html"
DIRECT_TEMPLATES = ["table-of-contents", "404"]
PAGINATED_TEMPLATES = {}

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
        "markdown.extensions.admonition": {},
        # Anchors on headings (a visible "#" after each), and the "On this page" list.
        "markdown.extensions.toc": {"permalink": "#", "permalink_title": "Link to this section"},
    },
    "output_format": "html5",
}

# The caches live here (Pelican's content cache, which the guide turns on, and what the
# last build rendered and checked), and are loaded unless `--ignore-cache`.
CACHE_PATH = ".cache"
LOAD_CONTENT_CACHE = True

PLUGINS = ["guide"]

# The chapters of Full Stack Python. Chapters 1 to 7 have `toc: true` pages, whose
# sidebartitles ("5. Deployment") are their labels; these name the others.
GUIDE_CHAPTERS = {
    1: "1. Introduction",
    2: "2. Development Environments",
    3: "3. Data",
    4: "4. Web Development",
    5: "5. Deployment",
    6: "6. DevOps",
    7: "Meta",
    10: "Working",
    50: "Code Examples",
    99: "Extras",
}
# Chapter 50's sortorders carry a 3-digit section: 500010020 is section 1 (Django), page 20.
GUIDE_SECTIONS = {50: 3}

# Links to pages of the complete guide that this site does not carry (the Servers page
# links to /operating-systems.html) are sent there, with an info line for each.
GUIDE_MISSING_PAGES_BASE = "https://www.fullstackpython.com"
