"""Checking one build's written site, page by page as Pelican writes it.

`SiteChecker` checks each page when it is handed the page's path. Whether a link
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
import multiprocessing
import os
import time

from guide_parallel import freeze_heap

from .checks import PageExpectation, check_written_page
from .verified import VerifiedPages, site_key

CONTENTS_PAGE = "table-of-contents.html"
# Pages the theme writes besides the guide's own; their links are checked too.
THEME_PAGES = ("index.html", CONTENTS_PAGE, "404.html")


def expectation(page, guide, sitename: str) -> PageExpectation:
    return PageExpectation(
        path=page.save_as,
        title=f"{page.title} - {sitename}",
        h1=page.title,
        description=page.description,
        sidebar=guide.sidebar_for(page),
    )


def expectation_keys(guide, sitename: str, reading_order) -> dict[int, str]:
    """For each page (by id), a text that changes whenever its expectation would.

    Making every expectation to compare it costs a sidebar per page; its inputs are
    few: the page's own fields, the chapter list, and its own chapter's pages.
    """
    chapters = repr([(c.label, c.landing.url if c.landing else None) for c in guide.chapters])
    keys = {}
    for chapter in guide.chapters:
        members = repr([(m.sidebartitle, m.url) for m in chapter.pages])
        for page in (chapter.landing, *chapter.pages):
            if page is not None:
                keys[id(page)] = repr(
                    (page.save_as, page.url, page.title, sitename, page.description, chapters, members)
                )
    keys[id(None)] = repr(list(reading_order))
    return keys


class SiteChecker:
    def __init__(self, settings, guide, output: str, skip_verified: bool):
        self.output = output
        self.siteurl = settings["SITEURL"]
        self.sitename = settings["SITENAME"]
        self.guide = guide
        self.reading_order = [page.url for page in guide.pages]
        # Every file to check, in the order problems are reported.
        self.pages = {page.save_as: page for page in guide.pages}
        self.pages.update((name, None) for name in THEME_PAGES)
        self.verified = VerifiedPages.load(settings) if skip_verified else None
        self.keys = expectation_keys(guide, self.sitename, self.reading_order) if skip_verified else {}
        self.problems: dict[str, list[str]] = {}  # checked in this build
        self.assumed: dict[str, set[str]] = {}  # link targets a page's check took as written
        self.digests: dict[str, str] = {}
        self.skipped: set[str] = set()

    def all_verified_before(self) -> bool:
        """Whether every file to check passed in the last build (it may have changed since)."""
        return self.verified is not None and self.verified.covers(self.pages)

    def _checks_for(self, path: str) -> dict:
        page = self.pages[path]
        if page is not None:
            return {"expected": expectation(page, self.guide, self.sitename)}
        return {"contents": self.reading_order} if path == CONTENTS_PAGE else {}

    def _read(self, path: str) -> str:
        with open(os.path.join(self.output, path), encoding="utf-8") as written:
            return written.read()

    def _check(self, path: str, html: str, file_exists) -> list[str]:
        return check_written_page(
            html, path, siteurl=self.siteurl, file_exists=file_exists, **self._checks_for(path)
        )

    def submit(self, path: str, trust_verified: bool = True) -> None:
        """Check one written file (a site path), unless it passed unchanged last time."""
        if path not in self.pages or path in self.problems:
            return
        html = self._read(path)
        if self.verified is not None:
            self.digests[path] = self.verified.digest(path, html, self.keys[id(self.pages[path])])
            if trust_verified and self.verified.passed_before(path, self.digests[path]):
                self.skipped.add(path)
                return
        assumed = set()

        def assume_written(target: str) -> bool:
            assumed.add(target)
            return True

        self.problems[path] = self._check(path, html, assume_written)
        self.assumed[path] = assumed

    def state(self) -> tuple:
        return self.problems, self.assumed, self.digests, self.skipped

    def absorb(self, state: tuple) -> None:
        """Take over what another process's copy of this checker found."""
        problems, assumed, digests, skipped = state
        self.problems.update(problems)
        self.assumed.update(assumed)
        self.digests.update(digests)
        self.skipped.update(skipped)

    def finish(self, files: frozenset[str]) -> dict:
        """Every problem, in reading order, once `files` (every written file) is known."""
        site = site_key(self.siteurl, files) if self.verified is not None else ""
        if self.verified is not None and self.verified.stored_site != site:
            # Another set of files, or other code: what passed before proves nothing now.
            for path in sorted(self.skipped):
                self.submit(path, trust_verified=False)
            self.skipped.clear()
        problems = []
        for path in self.pages:
            if path not in files:
                problems.append(f"{path}: was not written")
                continue
            if path not in self.problems and path not in self.skipped:
                self.submit(path)  # written without Pelican saying so, or checked here only
            if path in self.problems and not self.assumed[path] <= files:
                self.problems[path] = self._check(path, self._read(path), files.__contains__)
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
            "cpu_seconds": time.process_time(),
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
        index = 0
        while True:
            kind, value = connection.recv()
            if kind != "pages":
                break
            for path in value:
                if queue.take_front(index):
                    checker.submit(path)
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
        context = multiprocessing.get_context("fork")
        freeze_heap()  # until finish(): the pages and the guide stay shared with the worker
        self._checker = checker
        self._paths: list[str] = []
        self._sent = 0
        self._queue = _Queue(context)
        self._connection, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(checker, child_end, self._queue), daemon=True
        )
        self._process.start()
        child_end.close()

    def submit(self, path: str) -> None:
        self._paths.append(path)
        if len(self._paths) % self.BATCH == 0:
            self._flush()

    def _flush(self) -> None:
        unsent = self._paths[self._sent :]
        if unsent:
            self._connection.send(("pages", unsent))
            self._sent = len(self._paths)

    def finish(self, files: frozenset[str]) -> dict:
        self._flush()
        # Help with what is left, from the back, while the worker works from the front.
        while (index := self._queue.take_back(len(self._paths))) is not None:
            self._checker.submit(self._paths[index])
        self._connection.send(("end", None))
        try:
            status, result = self._connection.recv()
        except EOFError:
            status, result = "error", f"the check process ended with exit code {self._process.exitcode}"
        self._process.join()
        gc.unfreeze()
        if status != "ok":
            raise CheckPipelineError(f"the page check failed: {result}")
        state, worker_cpu = result
        self._checker.absorb(state)
        return {**self._checker.finish(files), "cpu_seconds": worker_cpu}
