"""A page source outside the pages: a blog article to Pelican, which the guide does not build.

Pelican reads every Markdown or reStructuredText file under ARTICLE_PATHS as a blog article.
The guide builds pages only (its ARTICLE_PATHS is []) and copies every other file of the
content folder as it is (STATIC_PATHS [""]), so such a file would reach the site as its
source: a draft's text, published. The build stops instead, with one error naming the file
and the way out. So does a page whose extension has capitals (`notes.MD`), which Pelican
does not read as Markdown.
"""

from __future__ import annotations

import os

# What Pelican's readers take as content: MarkdownReader's and RstReader's extensions.
SOURCE_EXTENSIONS = ("md", "markdown", "mkd", "mdown", "rst")


def refusal(relative: str, page_paths: list[str]) -> str | None:
    """Why a file the static generator would copy is a page source that must not reach the
    site; None for any other file. `relative`: its path in the content folder."""
    extension = os.path.splitext(relative)[1][1:]
    if extension.lower() not in SOURCE_EXTENSIONS:
        return None
    folders = ", ".join(f"{folder}/" for folder in page_paths) or "PAGE_PATHS"
    if extension != extension.lower():
        return (
            f"is a page source whose extension has capitals (.{extension}), which Pelican does not read; "
            f"rename it to .{extension.lower()}: it is not copied into the site"
        )
    return (
        f"is a page source outside PAGE_PATHS ({folders}), which Pelican would read as a blog article; "
        "the guide builds pages only and never copies a source into the site: move it under "
        f"{page_paths[0] if page_paths else 'PAGE_PATHS'}/ with a sortorder, or leave it out of the build "
        "(IGNORE_FILES)"
    )
