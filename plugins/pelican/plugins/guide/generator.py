"""Files the guide adds to Pelican's: a redirect page for each old slug of a renamed page
(`aliases:`), `search.html`, `llms.txt` and each listed page's Markdown.

Metadata is text here as in the HTML pages: a title or a description is escaped for
Markdown (and for the HTML a Markdown reader lets through), so `Evil](javascript:x) [x`
stays words and never becomes a link."""

from __future__ import annotations

import os
import re
from html import escape
from urllib.parse import quote

from pelican.generators import Generator

from .digests import digest
from .fields import HOME_TEMPLATE
from .reading import published_body, reader_for
from .run import run_of
from .theme import script_file

SEARCH_PAGE = "search.html"
HOME_PAGE = "index.html"  # the page with slug `index`, or else the theme's own home
LLMS_TXT = "llms.txt"
PRINT_SUMMARY = "every page in reading order, to print or to save as PDF"
# What Markdown reads as syntax inside a line: emphasis, code, links, images, autolinks.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]()!|~#])")


def alias_save_as(settings, alias: str) -> str:
    try:
        return settings["PAGE_SAVE_AS"].format(slug=alias)
    except (KeyError, IndexError):
        return f"{alias}.html"


def markdown_copy(page) -> str:
    return page.save_as.rsplit(".", 1)[0] + ".md"


def markdown_text(text: str) -> str:
    """Plain text as Markdown that reads back as the same text: HTML's characters as
    entities, Markdown's punctuation escaped, on one line."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escape(" ".join(str(text).split()), quote=False))


def llms_txt(settings, guide, public_url: str) -> bytes:
    """llmstxt.org: the site's name, a summary, then each chapter with its pages."""
    base = public_url or ""
    summary = settings.get("SITESUBTITLE") or f"The pages of {settings['SITENAME']}, in reading order."
    lines = [f"# {markdown_text(settings['SITENAME'])}", "", f"> {markdown_text(summary)}", ""]
    for chapter in guide.chapters:
        lines += [f"## {markdown_text(chapter.entries[0].label)}", ""]
        for page in (entry.page for entry in guide.chapter_lines(chapter) if entry.page is not None):
            address = base + quote(page.markdown_url, safe="/")
            lines.append(f"- [{markdown_text(page.title)}]({address}): {markdown_text(page.description)}")
        lines.append("")
    if "print" in (settings.get("GUIDE_EDITIONS") or ()):  # llmstxt.org: what a reader may skip
        lines += [
            "## Optional",
            "",
            f"- [The whole guide on one page]({base}print.html): {PRINT_SUMMARY}",
            "",
        ]
    return "\n".join(lines).encode("utf-8")


def markdown_file(page, body) -> tuple[str, tuple, object]:
    """A page's Markdown copy: its name, what it is made from, and how to make it from
    `body()`, the page's text as published (reading.published_body)."""
    info = os.stat(page.source_path)
    source_key = (info.st_mtime_ns, info.st_size, page.title, page.description)
    return markdown_copy(page), source_key, lambda: markdown_page(page.title, page.description, body())


def llms_file(settings, guide, public_url: str) -> tuple[str, str, object]:
    data = llms_txt(settings, guide, public_url)
    return LLMS_TXT, digest(data.decode()), lambda: data


def markdown_page(title: str, description: str, body: str) -> bytes:
    """A page's Markdown copy: its title and description as a small header, then its body."""
    return f"# {markdown_text(title)}\n\n> {markdown_text(description)}\n\n{body}".encode()


class GuideGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        run = run_of(self.settings)
        pages = run.pages
        relative = self.settings["RELATIVE_URLS"]
        redirect = self.get_template("redirect")
        for page in pages.every:
            for alias in page.aliases:
                writer.write_file(
                    alias_save_as(self.settings, alias),
                    redirect,
                    self.context,
                    page=page,
                    relative_urls=relative,
                )
        writer.write_data(*script_file(self.settings["THEME"]))
        if pages.guide.home is None:
            writer.write_file(
                HOME_PAGE, self.get_template(HOME_TEMPLATE), self.context, relative_urls=relative
            )
        if run.config.search:
            writer.write_file(SEARCH_PAGE, self.get_template("search"), self.context, relative_urls=relative)
        if run.config.llms_txt:
            for page in pages.listed:  # a hidden page is listed nowhere: no copy of it either
                writer.write_data(
                    *markdown_file(
                        page,
                        lambda page=page: published_body(
                            page.source_path, reader_for(self.settings, run.config).markdown
                        ),
                    )
                )
            writer.write_data(*llms_file(self.settings, pages.guide, run.config.public_url))
