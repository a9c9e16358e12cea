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
not parsed again; its links are settled against the new set of files all the same.
"""

from __future__ import annotations

import os

from ..caches import CacheFiles, is_dict_of
from ..digests import code_digest, digest
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
        store,
        load,
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
        caches: CacheFiles | None = None,
        editions: EditionFacts | None = None,
    ):
        self.output = output
        self.store = store
        self.caches = caches or CacheFiles()
        self.load = load
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
            return digest(
                code_digest(),
                facts,
                rows,
                self.expected.neighbours(facts),
                self.expected.breadcrumb(facts),
                self._home(path),
                self.sitename,
                self.siteurl,
                self.public_url,
            )
        contents = self.expected.contents if path in (*CONTENTS_PAGES, PRINT_PAGE) else None
        return digest(
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

    def _load(self) -> dict:
        stored = self.caches.load(self.store, "check's records", _valid_records, "checking every page again")
        return stored if stored is not None else {}

    def run_pages(
        self, only: set[str] | None = None, files: set[str] | None = None
    ) -> tuple[list[tuple], list[tuple]]:
        """Check every HTML file (in parallel); (errors, warnings), one (page, line) each:
        the page's source as shown when the line is about a page of the guide, else None.
        With `only` (a quick build: the files it wrote; every other file is the very file
        the last build checked, with the same expectations), only those are parsed; `files`
        is every file written, when the caller knows."""
        files = files if files is not None else written_files(self.output)
        stored = self._load() if self.store and self.load else {}
        planned = [*self.facts, *self.theme_pages, *self.redirects]
        errors = [(None, f"{path}: was not written") for path in planned if path not in files]
        self.html = sorted(path for path in files if path.endswith(".html"))
        self.records: dict[str, list] = {}
        todo = []
        for path in self.html:
            if only is not None and path not in only and stored.get(path) and stored[path][1] is not None:
                self.records[path] = stored[path]
                continue
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
        return errors, []

    def settle(
        self, files: set[str] | None = None, only: set[str] | None = None
    ) -> tuple[list[tuple], list[tuple]]:
        """Every link whose file was not known in advance, against every file now written
        (`files`, when the caller knows them; the search index included); then keep the
        records of the pages that passed. With `only` (a quick build, whose files bear the
        same names as the last build's), only those files' links."""
        files = files if files is not None else written_files(self.output)
        errors, warnings = [], []
        for path in self.html if only is None else sorted(only & set(self.records)):
            facts = self.facts.get(path)
            for target, in_body, label in self.records[path][2]:
                if target in files or (path, target) in self.reported:
                    continue
                where = facts.source if facts else path
                line = f'{where}: "{label}" points to {target}, which was not written'
                (warnings if in_body else errors).append((facts and facts.source, line))
        if self.store:
            self._save({path: record for path, record in self.records.items() if record[1] is not None})
        return errors, warnings

    def _save(self, records: dict) -> None:
        self.caches.save(self.store, "check's records", records)


def _valid_records(data) -> bool:
    """{page: [[inode, size, mtime], key, [[target, in body, label], ...]]}, as _save wrote it."""

    def record(value) -> bool:
        return (
            isinstance(value, list)
            and len(value) == 3
            and isinstance(value[0], list)
            and len(value[0]) == 3
            and all(isinstance(n, int) for n in value[0])
            and isinstance(value[1], str)
            and isinstance(value[2], list)
            and all(
                isinstance(link, list) and len(link) == 3 and isinstance(link[0], str) for link in value[2]
            )
        )

    return is_dict_of(data, str, record)
