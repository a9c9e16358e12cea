"""Settings for `make publish`: the local settings, with what a public site needs."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403

# The address the site is served from: GUIDE_PUBLIC_URL, which SITEURL in the
# environment sets (pelicanconf.py holds the one default).
SITEURL = GUIDE_PUBLIC_URL.rstrip("/")  # noqa: F405
RELATIVE_URLS = False

# Every source read afresh, so nothing an earlier build cached reaches the published bytes.
GUIDE_CACHE = False
# One search index, not shards: shards make an author's rebuild quick, but each adds
# requests to a reader's first search and ranks near ties by its own word counts.
GUIDE_SEARCH_SHARD_PAGES = None
# sitemap.xml, robots.txt and the .gz/.br copies.
GUIDE_PUBLISH = True
# The whole guide to read offline: full-stack-python.epub and print.html, offered on the
# contents pages ("Download"); `make html` builds neither, `make epub` the EPUB.
GUIDE_EDITIONS = ["epub", "print"]
