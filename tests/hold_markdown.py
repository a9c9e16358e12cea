"""A Markdown extension that holds a build at a page whose text says HOLD HERE, for the
tests of a build stopped or slowed midway (tests/test_limits.py). The build imports it by
name (the settings put this folder on sys.path):

- GUIDE_TEST_HOLD=FILE: write FILE, then wait a minute (to be stopped meanwhile);
- GUIDE_TEST_SLOW=SECONDS: the slow-page notice every SECONDS, and the page takes a second.
"""

from __future__ import annotations

import os
import time

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor


class Hold(Preprocessor):
    def run(self, lines):
        if not any("HOLD HERE" in line for line in lines):
            return lines
        if os.environ.get("GUIDE_TEST_HOLD"):
            with open(os.environ["GUIDE_TEST_HOLD"], "w") as marker:
                marker.write(str(os.getpid()))
            time.sleep(60)
        if os.environ.get("GUIDE_TEST_SLOW"):
            time.sleep(1)
        return lines


class HoldExtension(Extension):
    def extendMarkdown(self, md):
        if os.environ.get("GUIDE_TEST_SLOW"):
            from pelican.plugins.guide import limits

            limits.SLOW_PAGE_SECONDS = float(os.environ["GUIDE_TEST_SLOW"])
        md.preprocessors.register(Hold(md), "hold", 100)


def makeExtension(**kwargs):
    return HoldExtension(**kwargs)
