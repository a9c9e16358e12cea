"""Signal handlers: type each page on read, then check the rules that span pages."""

from __future__ import annotations

import logging
import os
from collections import defaultdict

from pelican import signals
from pelican.contents import Page

from .fields import (
    FieldError,
    parse_description,
    parse_sidebartitle,
    parse_slug,
    parse_sortorder,
    parse_title,
    parse_toc,
    quote,
)

logger = logging.getLogger(__name__)

# Pages that Pelican drops before the generator lists them (no title, say) are only
# seen at read time, so their problems are kept in the build's shared context too.
_CONTEXT_KEY = "guide_metadata_problems"

# Files the theme writes at the site root; a page slug must not take their names.
RESERVED_SLUGS = frozenset({"index", "table-of-contents", "404", "sitemap", "robots"})


class GuideMetadataError(Exception):
    """Raised once per build when any page breaks a metadata rule."""

    exitcode = 1


def display_path(path: str) -> str:
    """A source path as the author typed it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def type_page_metadata(content) -> None:
    """content_object_init: replace the page's raw strings with typed values."""
    if not isinstance(content, Page):
        return
    raw = content.metadata
    problems: list[str] = []

    def parsed(parse, *args):
        try:
            return parse(*args)
        except FieldError as error:
            problems.append(str(error))
            return None

    title = parsed(parse_title, raw.get("title"))
    slug = parsed(parse_slug, raw.get("slug"))
    if slug in RESERVED_SLUGS:
        problems.append(f"slug {quote(slug)} is taken by the site's own {slug} page; choose another")
    sortorder = parsed(parse_sortorder, raw.get("sortorder"))
    toc = parsed(parse_toc, raw.get("toc"))
    sidebartitle = parsed(parse_sidebartitle, raw.get("sidebartitle"), title or "")
    description = parsed(parse_description, raw.get("meta"), content._content)

    # The author's own spelling of each field, for messages about duplicates.
    content.guide_raw = {field: raw.get(field) for field in ("slug", "sortorder", "toc")}
    if not problems:
        typed = {
            "title": title,
            "slug": slug,
            "sortorder": sortorder,
            "toc": toc,
            "sidebartitle": sidebartitle,
            "description": description,
        }
        for name, value in typed.items():
            setattr(content, name, value)
        content.metadata.update(typed)
    else:
        # Keep the page in the build so these problems, not Pelican's own "Skipping"
        # lines, are what the author reads; it is never written (the build stops first).
        content.title = title or ""
        content.override_save_as = content.override_url = ""

    content.guide_problems = [f"{display_path(content.source_path)}: {p}" for p in problems]
    if problems and content._context is not None:
        content._context.setdefault(_CONTEXT_KEY, {})[content.source_path] = content.guide_problems


def check_guide_rules(generator) -> None:
    """page_generator_finalized: rules across pages, then stop the build on any problem."""
    pages = [*generator.pages, *generator.hidden_pages, *generator.draft_pages]
    problems = dict(generator.context.get(_CONTEXT_KEY, {}))
    for page in pages:
        if page.guide_problems:
            problems[page.source_path] = page.guide_problems

    valid = [page for page in pages if not page.guide_problems]
    duplicates = [
        *_duplicates(valid, "slug", lambda page: page.slug),
        *_duplicates(valid, "sortorder", lambda page: page.sortorder),
    ]
    landing = [page for page in valid if page.toc]
    duplicates += _duplicates(landing, "toc", lambda page: page.sortorder.chapter)
    lines = [line for path in sorted(problems) for line in problems[path]] + duplicates

    if lines:
        for line in lines:
            logger.error("%s", line)
        raise GuideMetadataError(
            f"{len(lines)} metadata problem{'s' if len(lines) != 1 else ''}; no file was written"
        )


def _duplicates(pages, field: str, key) -> list[str]:
    """One line per page that repeats a value another page already holds."""
    first_holder = {}
    lines = []
    for page in sorted(pages, key=lambda page: page.source_path):
        value = key(page)
        if value not in first_holder:
            first_holder[value] = page
            continue
        here = display_path(page.source_path)
        holder = display_path(first_holder[value].source_path)
        raw = quote(page.guide_raw[field])
        if field == "slug":
            reason = f"is already used by {holder}; slugs must be unique"
        elif field == "sortorder":
            reason = f"({value}) is already used by {holder}; each page needs its own position"
        else:
            reason = (
                f"makes a second landing page for chapter {value}; "
                f"{holder} already is one, and a chapter has at most one"
            )
        lines.append(f"{here}: {field} {raw} {reason}")
    return lines


def register():
    signals.content_object_init.connect(type_page_metadata)
    signals.page_generator_finalized.connect(check_guide_rules)
