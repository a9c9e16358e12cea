"""Settings for `make publish`: the local settings, with what a public site needs."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F401,F403

# The address the site is served from; the environment variable SITEURL overrides it.
SITEURL = os.environ.get("SITEURL", "https://servers-guide.example.org")
RELATIVE_URLS = False
