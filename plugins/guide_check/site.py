"""Checking one build's written site, page by page as Pelican writes it.

`SiteChecker` checks each page when it is handed the page's path and its checks
(`GuideJobs` makes those from the guide). Whether a link
reaches a written file can only be known when every file is written, so a page's
check first assumes its links resolve and notes their targets; `finish` then
re-checks, with the real file list, only the pages whose targets were not all
written. The problems and their wording are exactly those of check_written_page.

`CheckPipeline` runs a SiteChecker in a forked process: Pelican renders pages on
one core while the other parses and checks the pages already written. When the
build ends, the build's own process takes the pages still waiting from the back
of the queue while the worker takes them from the front, so both cores finish.
"""

from __future__ import annotations

import gc
import hashlib
from functools import partial
import multiprocessing
import os
import time

from guide_parallel import freeze_heap

from guide_navigation.tree import sidebar_from_rows

from .checks import PageExpectation, check_written_page
from .verified import VerifiedPages, site_key

CONTENTS_PAGE = "table-of-contents.html"
# Pages the theme writes besides the guide's own; their links are checked too.
THEME_PAGES = ("index.html", CONTENTS_PAGE, "404.html")


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()


class GuideJobs:
    """What to check in each written file of a guide.

    A file's checks are made from a small recipe (its fields, its chapter's position)
    and the guide's sidebar rows: the recipe travels to the check process with each
    page, the rows once, so handing a page over costs microseconds, not a sidebar.
    """

    def __init__(self, settings, guide):
        self.sitename = settings["SITENAME"]
        reading_order = [page.url for page in guide.pages]
        self.shared = (guide.sidebar_rows(), reading_order, self.sitename)
        positions = {id(chapter): index for index, chapter in enumerate(guide.chapters)}
        # Every file to check, in the order problems are reported, with its recipe.
        self.recipes: dict[str, tuple | None] = {
            page.save_as: (page.title, page.description, positions[id(page.guide_chapter)], page.url)
            for page in guide.pages
        }
        self.recipes.update((name, None) for name in THEME_PAGES)
        self.pages = self.recipes  # the paths, in order
        # What each expectation is made of, digested: a page is checked again when it changes.
        rows = self.shared[0]
        chapters = _digest([(label, landing) for label, landing, _ in rows])
        members = [_digest(pages) for _, _, pages in rows]
        self.keys = {
            path: _digest((path, recipe, self.sitename, chapters, members[recipe[2]]))
            if recipe is not None
            else _digest((path, reading_order if path == CONTENTS_PAGE else None))
            for path, recipe in self.recipes.items()
        }

    def checks_for(self, path: str) -> dict:
        return checks_from(path, self.recipes[path], self.shared)

    def key_for(self, path: str) -> str:
        return self.keys[path]


def checks_from(path: str, recipe: tuple | None, shared: tuple) -> dict:
    """The keyword arguments of check_written_page for one written file."""
    rows, reading_order, sitename = shared
    if recipe is None:
        return {"contents": reading_order} if path == CONTENTS_PAGE else {}
    title, description, chapter_position, url = recipe
    return {
        "expected": PageExpectation(
            path=path,
            title=f"{title} - {sitename}",
            h1=title,
            description=description,
            sidebar=sidebar_from_rows(rows, chapter_position, url),
        )
    }


class SiteChecker:
    """Checks the written files it is handed, with the checks handed with them."""

    def __init__(self, output: str, siteurl: str, verified: VerifiedPages | None):
        self.output = output
        self.siteurl = siteurl
        self.verified = verified
        self.problems: dict[str, list[str]] = {}  # checked in this build
        # Every link target the checks took as written: a few thousand names for the
        # whole site, where one set per page would cost megabytes.
        self.assumed: set[str] = set()
        self.digests: dict[str, str] = {}
        self.skipped: set[str] = set()

    def _read(self, path: str) -> str:
        with open(os.path.join(self.output, path), encoding="utf-8") as written:
            return written.read()

    def submit(self, path: str, make_checks, key: str, trust_verified: bool = True) -> None:
        """Check one written file (a site path), unless it passed unchanged last time.
        `make_checks()` gives check_written_page's keyword arguments for it."""
        if path in self.problems:
            return
        html = self._read(path)
        if self.verified is not None:
            self.digests[path] = self.verified.digest(path, html, key)
            if trust_verified and self.verified.passed_before(path, self.digests[path]):
                self.skipped.add(path)
                return
        assumed = self.assumed

        def assume_written(target: str) -> bool:
            assumed.add(target)
            return True

        self.problems[path] = check_written_page(
            html, path, siteurl=self.siteurl, file_exists=assume_written, **make_checks()
        )

    def state(self) -> tuple:
        return self.problems, self.assumed, self.digests, self.skipped

    def absorb(self, state: tuple) -> None:
        """Take over what another process's checker found."""
        problems, assumed, digests, skipped = state
        self.problems.update(problems)
        self.assumed.update(assumed)
        self.digests.update(digests)
        self.skipped.update(skipped)

    def finish(self, files: frozenset[str], jobs: GuideJobs) -> dict:
        """Every problem, in reading order, once `files` (every written file) is known."""
        site = site_key(self.siteurl, files) if self.verified is not None else ""
        if self.verified is not None and self.verified.stored_site != site:
            # Another set of files, or other code: what passed before proves nothing now.
            for path in sorted(self.skipped):
                self.submit(path, partial(jobs.checks_for, path), jobs.key_for(path), trust_verified=False)
            self.skipped.clear()
        problems = []
        for path in jobs.pages:
            if path in files and path not in self.problems and path not in self.skipped:
                # Checked here only, or written without Pelican saying so.
                self.submit(path, partial(jobs.checks_for, path), jobs.key_for(path))
        # A link to a file no one wrote: check the pages again, this time knowing the files.
        recheck = not self.assumed <= files
        for path in jobs.pages:
            if path not in files:
                problems.append(f"{path}: was not written")
                continue
            if path in self.problems and recheck:
                self.problems[path] = check_written_page(
                    self._read(path), path, siteurl=self.siteurl,
                    file_exists=files.__contains__, **jobs.checks_for(path),
                )  # fmt: skip
            problems += self.problems.get(path, [])
        if self.verified is not None:
            passed = {
                path: digest
                for path, digest in self.digests.items()
                if path in files and (path in self.skipped or not self.problems.get(path))
            }
            self.verified.save(site, passed)
        return {
            "problems": problems,
            "checked": len(self.problems),
            "skipped": len(self.skipped),
            "cpu_seconds": 0.0,
        }


class CheckPipelineError(RuntimeError):
    pass


class _Queue:
    """Indices into the submitted paths: the worker takes from the front, the build's
    process from the back once the build ends; a lock keeps them from taking one twice."""

    def __init__(self, context):
        self.lock = context.Lock()
        self.front = context.Value("q", 0, lock=False)  # the next index the worker may take
        self.back = context.Value("q", 2**62, lock=False)  # the indices from here on are taken

    def take_front(self, index: int) -> bool:
        with self.lock:
            if index >= self.back.value:
                return False
            self.front.value = index + 1
            return True

    def take_back(self, count: int) -> int | None:
        with self.lock:
            self.back.value = min(self.back.value, count)
            if self.back.value - 1 < self.front.value:
                return None
            self.back.value -= 1
            return self.back.value


def _serve(checker: SiteChecker, connection, queue: _Queue) -> None:
    """The forked process: check each path as it arrives, until told the build ended."""
    try:
        index, shared = 0, None
        while True:
            kind, value = connection.recv()
            if kind == "guide":
                shared = value
                continue
            if kind != "pages":
                break
            for path, recipe, key in value:
                if queue.take_front(index):
                    checker.submit(path, partial(checks_from, path, recipe, shared), key)
                index += 1
        connection.send(("ok", (checker.state(), time.process_time())))
    except BaseException as error:  # reported to the build, which stops on it
        connection.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()
        os._exit(0)


class CheckPipeline:
    """A SiteChecker in a forked process, fed the paths Pelican writes."""

    BATCH = 8  # paths per message: one message per page cost more than checking it

    def __init__(self, checker: SiteChecker):
        # Forked when the build starts, before any page is read: the worker shares only
        # the loaded code, and each page's expectations travel to it with the page.
        context = multiprocessing.get_context("fork")
        freeze_heap()
        self._checker = checker
        self._paths: list[str] = []
        self._unsent: list[tuple] = []
        self._queue = _Queue(context)
        self._connection, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(checker, child_end, self._queue), daemon=True
        )
        self._process.start()
        child_end.close()

    def submit(self, path: str, jobs: GuideJobs) -> None:
        if not self._paths:
            self._connection.send(("guide", jobs.shared))
        self._paths.append(path)
        self._unsent.append((path, jobs.recipes[path], jobs.key_for(path)))
        if len(self._unsent) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._unsent:
            self._connection.send(("pages", self._unsent))
            self._unsent = []

    def finish(self, files: frozenset[str], jobs: GuideJobs) -> dict:
        gc.unfreeze()
        self._flush()
        # Help with what is left, from the back, while the worker works from the front.
        while (index := self._queue.take_back(len(self._paths))) is not None:
            path = self._paths[index]
            self._checker.submit(path, partial(jobs.checks_for, path), jobs.key_for(path))
        self._connection.send(("end", None))
        try:
            status, result = self._connection.recv()
        except EOFError:
            status, result = "error", f"the check process ended with exit code {self._process.exitcode}"
        self._process.join()
        if status != "ok":
            raise CheckPipelineError(f"the page check failed: {result}")
        state, worker_cpu = result
        self._checker.absorb(state)
        return {**self._checker.finish(files, jobs), "cpu_seconds": worker_cpu}

    def close(self) -> None:
        """The build ended without a site to check: let the worker go."""
        gc.unfreeze()
        try:
            self._connection.send(("end", None))
            self._connection.recv()
        except (EOFError, OSError):
            pass
        self._process.join()
