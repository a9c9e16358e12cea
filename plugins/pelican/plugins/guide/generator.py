"""Files the guide adds to Pelican's: a redirect page for each old slug of a renamed page
(`aliases:`), `search.html`, `llms.txt` and each page's Markdown as written."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from .digests import digest
from .state import state_of

SEARCH_PAGE = "search.html"
LLMS_TXT = "llms.txt"


def alias_save_as(settings, alias: str) -> str:
    try:
        return settings["PAGE_SAVE_AS"].format(slug=alias)
    except (KeyError, IndexError):
        return f"{alias}.html"


def markdown_copy(page) -> str:
    return page.save_as.rsplit(".", 1)[0] + ".md"


def llms_txt(settings, guide, public_url: str) -> bytes:
    """llmstxt.org: the site's name, a summary, then each chapter with its pages."""
    base = public_url or ""
    summary = settings.get("SITESUBTITLE") or f"The pages of {settings['SITENAME']}, in reading order."
    lines = [f"# {settings['SITENAME']}", "", f"> {' '.join(summary.split())}", ""]
    for chapter in guide.chapters:
        lines += [f"## {chapter.entries[0].label}", ""]
        for page in (entry.page for entry in guide.chapter_lines(chapter) if entry.page is not None):
            lines.append(f"- [{page.title}]({base}{page.markdown_url}): {page.description}")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def markdown_file(page) -> tuple[str, tuple, object]:
    """A page's Markdown copy: its name, what it is made from, and how to make it."""
    source = Path(page.source_path)
    info = source.stat()
    return markdown_copy(page), (info.st_mtime_ns, info.st_size), source.read_bytes


def llms_file(settings, guide, public_url: str) -> tuple[str, str, object]:
    data = llms_txt(settings, guide, public_url)
    return LLMS_TXT, digest(data.decode()), lambda: data


class GuideGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        state = state_of(self.settings)
        relative = self.settings["RELATIVE_URLS"]
        redirect = self.get_template("redirect")
        for page in state.guide_pages:
            for alias in page.aliases:
                writer.write_file(alias_save_as(self.settings, alias), redirect, self.context, page=page, relative_urls=relative)
        if state.config.search:
            writer.write_file(SEARCH_PAGE, self.get_template("search"), self.context, relative_urls=relative)
        if state.config.llms_txt:
            for page in (*state.guide_pages, *state.hidden_pages):
                writer.write_data(*markdown_file(page))
            writer.write_data(*llms_file(self.settings, state.guide, state.config.public_url))
