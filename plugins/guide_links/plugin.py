"""Signal handler: rewrite links to pages this build does not write, once the pages are known."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from pelican import signals

from guide_check.checks import resolve
from guide_metadata.plugin import display_path

logger = logging.getLogger(__name__)

DEFAULT_GUIDE_MISSING_PAGES_BASE = "https://www.fullstackpython.com"

# Files the theme writes besides the pages themselves.
THEME_FILES = frozenset({"index.html", "table-of-contents.html", "404.html"})

# Links (any href in the text) that may point into the site: not to another host (scheme or //), not to a place in
# this page, not one of Pelican's {filename} links. Most links of a guide page go elsewhere,
# so leaving them to the pattern keeps Python out of the loop for them.
_HREF = re.compile(
    r"""( href=)(["'])(?![a-zA-Z][a-zA-Z0-9+.-]*:|//|#|\{)([^"'<>]*)\2"""
)


class GuideLinksError(Exception):
    exitcode = 1


def _site_path(href: str, page_url: str, siteurl: str) -> str | None:
    """The site path a link in the page's text points to; None when it leaves the site."""
    if href.startswith(("{", "#")):
        return None  # one of Pelican's {filename} links, or a place in this page
    return resolve(href, page_url, siteurl)


def rewrite_missing_links(generator) -> None:
    """page_generator_finalized: every link in the text reaches this site or the full guide."""
    settings = generator.settings
    base = settings.get("GUIDE_MISSING_PAGES_BASE", DEFAULT_GUIDE_MISSING_PAGES_BASE)
    if base is not None and (not isinstance(base, str) or not base.startswith(("https://", "http://"))):
        raise GuideLinksError(
            f"GUIDE_MISSING_PAGES_BASE {base!r} must be an http(s) address, like "
            f'"{DEFAULT_GUIDE_MISSING_PAGES_BASE}", or None'
        )
    pages = [*generator.pages, *generator.hidden_pages]
    written = THEME_FILES | {page.save_as for page in pages} | set(generator.context.get("static_content", {}))
    siteurl = settings.get("SITEURL", "")
    broken = []

    for page in pages:
        def replace(match, page=page):
            href = match.group(3)
            target = _site_path(href, page.url, siteurl)
            if target is None or target in written:
                return match.group(0)
            if base is None:
                broken.append(f"{display_path(page.source_path)}: link to {href} reaches no page of this site")
                return match.group(0)
            fragment = urlsplit(href).fragment
            new = f"{base.rstrip('/')}/{target}" + (f"#{fragment}" if fragment else "")
            logger.warning(
                "%s: %s is not a page of this site; linking to %s instead",
                display_path(page.source_path),
                href,
                new,
            )
            return f"{match.group(1)}{match.group(2)}{new}{match.group(2)}"

        page._content = _HREF.sub(replace, page._content)

    if broken:
        for line in broken:
            logger.error("%s", line)
        raise GuideLinksError(
            f"{len(broken)} link{'s' if len(broken) != 1 else ''} reach no page; "
            "set GUIDE_MISSING_PAGES_BASE to send them to the complete guide"
        )


def register():
    signals.page_generator_finalized.connect(rewrite_missing_links)
