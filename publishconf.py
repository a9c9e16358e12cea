"""Settings for `make publish`: the local settings, with what a public site needs."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F401,F403

# The address the site is served from; the environment variable SITEURL overrides it.
SITEURL = os.environ.get("SITEURL", "https://servers-guide.example.org").rstrip("/")
RELATIVE_URLS = False
# Canonical links and Open Graph URLs: absolute, under the address the site is served from.
GUIDE_PUBLIC_URL = SITEURL
GUIDE_CANONICAL_BASE = SITEURL + "/"

# A publish reads every source afresh, so nothing an earlier build cached can reach the
# published bytes.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# sitemap.xml, robots.txt and the .gz/.br copies; see plugins/guide_publish.
PLUGINS = [*PLUGINS, "guide_publish"]  # noqa: F405
GUIDE_PUBLISH = {
    "precompress": [".html", ".css", ".xml", ".svg", ".txt", ".js", ".json"],
    "sitemap_exclude": ["404.html"],
}

# Links to pages the site lacks go to the complete guide (one warning each); None makes
# them stop the build instead.
GUIDE_MISSING_PAGES_BASE = "https://www.fullstackpython.com"
