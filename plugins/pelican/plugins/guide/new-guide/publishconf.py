"""Settings for `make publish`: the local settings, with what a public site needs."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403

# The address the site is served from: GUIDE_PUBLIC_URL, which SITEURL in the
# environment sets (pelicanconf.py holds the default).
SITEURL = GUIDE_PUBLIC_URL.rstrip("/")  # noqa: F405
RELATIVE_URLS = False

# Every page read afresh, so nothing an earlier build cached reaches the published site.
GUIDE_CACHE = False
# sitemap.xml, robots.txt, and a .gz and a .br copy beside every text file.
GUIDE_PUBLISH = True
# The whole guide to read offline: an EPUB and print.html, offered on the contents pages.
GUIDE_EDITIONS = ["epub", "print"]
