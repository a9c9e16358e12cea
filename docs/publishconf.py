"""Settings for publishing the manual beside the Servers site, under /docs/
(`make docs-publish`): the manual's own settings, with what a public site needs."""

import os
import sys

# This folder first: its pelicanconf.py is the manual's, not the Servers site's.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403

SITEURL = GUIDE_PUBLIC_URL.rstrip("/")  # noqa: F405
RELATIVE_URLS = False
GUIDE_CACHE = False
GUIDE_SEARCH_SHARD_PAGES = None
GUIDE_PUBLISH = True
