"""Every file the build writes, and the source that makes it, worked out before anything is
written: two sources for one file, or two files that differ only in case, are errors that
name both. Its value, `Plan`, is what the links are settled against and what the check
expects to find written."""

from __future__ import annotations

from dataclasses import dataclass

from . import editions, report
from .fields import HOME_TEMPLATE
from .files import STAMP
from .generator import HOME_PAGE, LLMS_TXT, SEARCH_PAGE, alias_save_as
from .links import content_relative
from .search import FOLDER as SEARCH_FOLDER
from .theme import SCRIPT, SCRIPT_SOURCE

PUBLISHING_FILES = ("sitemap.xml", "robots.txt")


@dataclass(frozen=True)
class Plan:
    files: frozenset[str]  # every site path the build writes (a folder's files not listed)
    page_sources: dict[str, str]  # content path of each page's source -> its site path
    redirects: dict[str, str]  # each alias's redirect page -> the page it reaches
    theme_pages: tuple[str, ...]  # the theme's own HTML files (index.html, 404.html...)


class _Planned:
    """The files planned so far, each with its source; a collision is reported as it comes."""

    def __init__(self):
        self.sources: dict[str, str] = {}
        self.folded: dict[str, str] = {}  # each path in lower case -> the path planned

    def add(self, path: str, source: str) -> None:
        if path in self.sources:
            if self.sources[path] != source:
                report.error(
                    source,
                    f"would be written to {path}, "
                    f"which {report.display_path(self.sources[path])} writes too; rename one",
                )
            return
        other = self.folded.get(path.lower())
        if other is not None:
            by = (
                "it also writes"
                if self.sources[other] == source
                else f"{report.display_path(self.sources[other])} writes"
            )
            report.error(
                source,
                f"would be written to {path}, which differs only in case from {other}, which {by}; "
                "on a case-insensitive file system (macOS, Windows) one replaces the other: rename one",
            )
        self.sources[path] = source
        self.folded.setdefault(path.lower(), path)


def plan(settings, config, pages, generators) -> Plan:
    """The files of the theme, of the guide's pages and their aliases, of the content folder."""
    planned = _Planned()
    theme = settings["THEME"]
    for name in settings["DIRECT_TEMPLATES"]:
        planned.add(settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html"), f"{theme}/templates/{name}.html")
    planned.add(SCRIPT, f"{theme}/{SCRIPT_SOURCE}")
    if pages.guide.home is None:  # the theme's own home page (generator.py)
        planned.add(HOME_PAGE, f"{theme}/templates/{HOME_TEMPLATE}.html")
    if config.search:
        planned.add(SEARCH_PAGE, f"{theme}/templates/search.html")
        planned.add(SEARCH_FOLDER + "/", "the search index")
    if config.llms_txt:
        planned.add(LLMS_TXT, "the guide plugin's llms.txt")
    if config.publish:
        for name in PUBLISHING_FILES:
            planned.add(name, "the guide plugin's publishing files")
    for name in editions.planned(config):
        planned.add(name, "the guide plugin's editions (GUIDE_EDITIONS)")
    planned.add(STAMP, "the guide plugin's stamp")
    for page in pages.every:
        planned.add(page.save_as, page.source_path)
        if page.markdown_url:
            planned.add(page.markdown_url, page.source_path)
    redirects = {}
    for page in pages.every:
        for alias in page.aliases:
            path = alias_save_as(settings, alias)
            planned.add(path, page.source_path)
            redirects[path] = page.save_as
    for generator in generators:
        for static in getattr(generator, "staticfiles", ()):
            planned.add(static.save_as, static.source_path)
            if static.save_as.split("/", 1)[0] == SEARCH_FOLDER and config.search:
                report.error(static.source_path, f"is in {SEARCH_FOLDER}/, which the search index replaces")
    theme_pages = tuple(
        path for path, source in planned.sources.items() if source.startswith(f"{theme}/templates/")
    )
    return Plan(
        files=frozenset(path for path in planned.sources if not path.endswith("/")),
        page_sources={
            content_relative(page.source_path, settings["PATH"]): page.save_as for page in pages.every
        },
        redirects=redirects,
        theme_pages=theme_pages,
    )
