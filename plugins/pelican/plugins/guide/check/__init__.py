"""The check: the written site, read back, proves the navigation came out right.

Every HTML file the build wrote is parsed once and compared with what `expected.py`
works out from the typed metadata alone: each guide page's sidebar (lines, labels,
depth, order, links, `aria-current`), title, `<h1>`, description, language, pager, "On
this page" and whether search indexes it; no id twice in any page; the table of
contents and the index list every page; the theme's other pages carry the guide's
sidebar; every redirect reaches its page; and every `<a href>`, `<img src>` and
`<link href>` inside the site reaches a written file.

A file that is the very file checked last time (same inode, size and modification time:
the writer links unchanged files from the previous site) with the same expectations is
not parsed again (its record is the last build's: lastbuild.py); its links are settled
against the new set of files all the same. The files are parsed on every core.
"""

from __future__ import annotations

import os

from ..digests import code_digest, key_digest
from ..report import display_path
from ..workers import forked_map
from . import editions as edition_checks
from . import page as checks
from .editions import PRINT_PAGE, EditionFacts
from .expected import Expected, Facts

CONTENTS_PAGES = ("table-of-contents.html",)
HOME_PAGE = "index.html"  # the page with slug `index`, or the theme's own home


def facts_of(page, listed: bool) -> Facts:
    order = page.sortorder
    return Facts(
        url=page.url,
        save_as=page.save_as,
        source=display_path(page.source_path),
        title=page.title,
        sidebartitle=page.sidebartitle,
        description=page.description,
        chapter=order.chapter,
        section=order.section,
        position=order.position,
        slug=page.slug,
        toc=page.toc,
        listed=listed,
        headings=tuple(page.headings),
        lang=page.lang,
    )


def written_files(output: str) -> set[str]:
    found = set()
    for folder, _, names in os.walk(output):
        relative = os.path.relpath(folder, output)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in names)
    return found


class SiteCheck:
    """One build's check. `theme_pages` are the theme's own HTML files; `redirects` maps
    each redirect page to the page it must reach; `reported` holds (file, target) pairs the
    links step already warned about."""

    def __init__(
        self,
        *,
        output,
        stored,
        siteurl,
        sitename,
        public_url,
        pages,
        hidden,
        chapters,
        sections,
        theme_pages,
        redirects,
        reported,
        workers,
        editions: EditionFacts | None = None,
    ):
        self.output = output
        self.stored = stored  # the last build's records of the previous site's files
        self.siteurl = siteurl
        self.sitename = sitename
        self.public_url = public_url
        self.facts = {facts.save_as: facts for facts in (*pages, *hidden)}
        self.expected = Expected([*pages, *hidden], chapters, sections)
        self.theme_pages = theme_pages
        self.redirects = redirects
        self.reported = reported
        self.workers = workers
        self.editions = editions
        self.checked = 0

    def _key(self, path: str) -> str:
        facts = self.facts.get(path)
        if facts is not None:
            rows = self.expected.sidebar(facts)[1]
            return key_digest(
                code_digest(),
                # The source as shown depends on the working folder, and only names a failure,
                # which is never kept: a build run from elsewhere finds the same keys.
                facts._replace(source=""),
                rows,
                self.expected.neighbours(facts),
                self.expected.breadcrumb(facts),
                self._home(path),
                self.sitename,
                self.siteurl,
                self.public_url,
            )
        contents = self.expected.contents if path in (*CONTENTS_PAGES, PRINT_PAGE) else None
        return key_digest(
            code_digest(),
            path,
            self.expected.sidebar(None)[1],
            contents,
            self._home(path),
            self.redirects.get(path),
            self.siteurl,
            self.public_url,
        )

    def _home(self, path: str):
        return (self.expected.home_lines, self.expected.start) if path == HOME_PAGE else None

    def _check(self, path: str) -> tuple[list[str], list[tuple]]:
        """The problems of one file, and the links whose files are not known in advance."""
        with open(os.path.join(self.output, path), encoding="utf-8") as written:
            try:
                root = checks.parse(written.read())
            except checks.Unreadable as problem:
                return [str(problem)], []
        facts = self.facts.get(path)
        problems = checks.duplicate_ids(root)
        sidebar_urls = set()
        if facts is not None:
            rows = self.expected.sidebar(facts)[0]
            problems += checks.check_guide_page(
                root, facts, self.siteurl, self.sitename, rows, self.expected.neighbours(facts)
            )
            problems += checks.check_images(root, path, self.siteurl, self.output)
            problems += checks.check_breadcrumb(
                root, path, self.siteurl, facts, self.expected.breadcrumb(facts), self.public_url
            )
            sidebar_urls = {row.url for row in rows}
        elif path in self.redirects:
            target = checks.redirect_target(root, path, self.siteurl)
            if target != self.redirects[path]:
                problems.append(f"redirects to {target}, expected {self.redirects[path]}")
        elif path in self.theme_pages:
            rows = self.expected.sidebar(None)[0]
            problems += checks.check_sidebar(root, path, self.siteurl, rows, None)
            sidebar_urls = {row.url for row in rows}
            if path in CONTENTS_PAGES:
                problems += checks.check_contents(root, path, self.siteurl, self.expected.contents)
                sidebar_urls |= {row.url for row in self.expected.contents}
        elif path == PRINT_PAGE and self.editions is not None and self.editions.printed:
            problems += edition_checks.check_print(root, self.expected)
        if path == HOME_PAGE and (facts is not None or path in self.theme_pages):
            problems += checks.check_home(
                root, path, self.siteurl, self.expected.home_lines, self.expected.start
            )
        if self.public_url and (facts is not None or path in self.theme_pages):
            problems += checks.check_canonical(root, path, self.public_url)
        # Links to pages the expectations list are proven by the comparisons above.
        links = sorted(
            {
                (link.target, link.in_body, link.label)
                for link in checks.links(root, path, self.siteurl)
                if link.target not in sidebar_urls
            }
        )
        return problems, links

    def run_pages(self) -> list[tuple[str | None, str]]:
        """Check every HTML file, on every core; the errors, one (source, line) each: the
        page's source file when the line is about a page of the guide, else None."""
        files = written_files(self.output)
        stored = self.stored
        planned = [*self.facts, *self.theme_pages, *self.redirects]
        errors = [(None, f"{path}: was not written") for path in planned if path not in files]
        self.html = sorted(path for path in files if path.endswith(".html"))
        self.records: dict[str, list] = {}
        todo = []
        for path in self.html:
            info = os.stat(os.path.join(self.output, path))
            stamp = [info.st_ino, info.st_size, info.st_mtime_ns]
            key = self._key(path)
            old = stored.get(path)
            if old and old[0] == stamp and old[1] == key:
                self.records[path] = old
            else:
                self.records[path] = [stamp, key, None]
                todo.append(path)
        for path, (problems, links) in zip(
            todo,
            forked_map(
                self._check,
                todo,
                self.workers,
                weight=lambda path: os.path.getsize(os.path.join(self.output, path)),
            ),
            strict=False,
        ):
            self.records[path][2] = [list(link) for link in links]
            facts = self.facts.get(path)
            where = f"{facts.source} ({path})" if facts else path
            errors += [(facts and facts.source, f"{where}: {problem}") for problem in problems]
            if problems:
                self.records[path][1] = None  # check it again next time
        self.checked = len(todo)
        if self.editions is not None and self.editions.book:
            book = os.path.join(self.output, self.editions.book)
            errors += [
                (None, f"{self.editions.book}: {problem}")
                for problem in edition_checks.check_book(book, self.expected, self.editions)
            ]
        return errors

    def settle(self) -> tuple[list[tuple], list[tuple], dict[str, list]]:
        """Every link whose file was not known in advance, against every file now written
        (the search index included): (errors, warnings, the records of the files that passed,
        for the next build)."""
        files = written_files(self.output)
        errors, warnings = [], []
        for path in self.html:
            facts = self.facts.get(path)
            for target, in_body, label in self.records[path][2]:
                if target in files or (path, target) in self.reported:
                    continue
                where = facts.source if facts else path
                line = f'{where}: "{label}" points to {target}, which was not written'
                (warnings if in_body else errors).append((facts and facts.source, line))
        passed = {path: record for path, record in self.records.items() if record[1] is not None}
        return errors, warnings, passed


def site_check(settings, config, pages, plan, links, output: str, last, editions=None) -> SiteCheck:
    """The check of the site written to `output`, its expectations from the pages' facts;
    `last`: the last build's values, whose records of the previous site's files hold;
    `editions`: what the settings say of the editions (editions.facts)."""
    facts = [facts_of(page, True) for page in pages.listed] + [facts_of(page, False) for page in pages.hidden]
    return SiteCheck(
        output=output,
        stored=last.checks if last else {},
        siteurl=settings.get("SITEURL", ""),
        sitename=settings["SITENAME"],
        public_url=config.public_url,
        pages=[item for item in facts if item.listed],
        hidden=[item for item in facts if not item.listed],
        chapters=config.chapters,
        sections=config.sections,
        theme_pages=plan.theme_pages,
        redirects=plan.redirects,
        reported=links.reported,
        workers=config.workers,
        editions=editions,
    )
