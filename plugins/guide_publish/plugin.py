"""Signal handlers: check the settings first, then write the publishing files last."""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path
from urllib.parse import quote

from pelican import signals

from guide_settings import GuideSettingsError, plugin_settings

from .precompress import precompress
from .sitemap import robots_txt, sitemap_xml
from .source_date import source_date

logger = logging.getLogger(__name__)

DEFAULT_GUIDE_PUBLISH = {
    # Files that get a .gz and a .br copy beside them.
    "precompress": (".html", ".css", ".xml", ".svg", ".txt", ".js", ".json"),
    # Written pages the sitemap leaves out: they are no page a search engine should list.
    "sitemap_exclude": ("404.html",),
}


GuidePublishError = GuideSettingsError  # the name this plugin exports


def publish_settings(settings) -> dict:
    """GUIDE_PUBLISH merged over the defaults, and SITEURL, checked once."""
    merged = plugin_settings(settings, "GUIDE_PUBLISH", DEFAULT_GUIDE_PUBLISH)
    extensions = merged["precompress"]
    if isinstance(extensions, str) or not all(
        isinstance(item, str) and item.startswith(".") and item not in (".gz", ".br")
        for item in extensions
    ):
        raise GuidePublishError(
            f"GUIDE_PUBLISH['precompress'] {extensions!r} must be a list of file extensions, "
            'like [".html", ".css"]'
        )
    siteurl = settings.get("SITEURL", "")
    if not isinstance(siteurl, str) or not siteurl.startswith(("https://", "http://")):
        raise GuidePublishError(
            f"SITEURL {siteurl!r} must be an absolute http(s) address when publishing, like "
            '"https://guide.example.org": the sitemap lists absolute addresses'
        )
    return merged


def check_settings(pelican) -> None:
    """initialized: a wrong setting stops the build before anything is read."""
    publish_settings(pelican.settings)


def page_urls(output: Path, siteurl: str, exclude) -> list[str]:
    """The absolute address of every written page, in path order."""
    pages = sorted(path.relative_to(output).as_posix() for path in output.rglob("*.html"))
    base = siteurl.rstrip("/")
    return [f"{base}/{quote(page)}" for page in pages if page not in exclude]


def write_publishing_files(pelican) -> None:
    """finalized: sitemap.xml and robots.txt, then the compressed copies of every text file."""
    config = publish_settings(pelican.settings)
    output = Path(pelican.output_path)
    siteurl = pelican.settings["SITEURL"].rstrip("/")
    modified = source_date(pelican.settings["PATH"])

    urls = page_urls(output, siteurl, set(config["sitemap_exclude"]))
    (output / "sitemap.xml").write_bytes(sitemap_xml((url, modified) for url in urls))
    (output / "robots.txt").write_bytes(robots_txt(posixpath.join(siteurl, "sitemap.xml")))
    seen, written = precompress(output, config["precompress"])
    logger.info(
        "guide_publish: sitemap.xml lists %d pages; %d compressed copies of %d files",
        len(urls), written, seen,
    )


def register():
    signals.initialized.connect(check_settings)
    signals.finalized.connect(write_publishing_files)
