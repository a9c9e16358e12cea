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

# A publish reads every source afresh, so nothing an earlier build cached can reach the
# published bytes.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# sitemap.xml, robots.txt and the .gz/.br copies. GUIDE_PUBLISH = {...} changes the
# plugin's defaults (plugins/guide_publish/plugin.py; README, Publishing).
PLUGINS = [*PLUGINS, "guide_publish"]  # noqa: F405
