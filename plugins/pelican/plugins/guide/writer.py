"""Writing the site: a file is rendered only when what it is made from changed.

For each file Pelican asks it to write, the writer works out a key: a digest of what the
file is made from (the page's body and typed fields, its sidebar and pager, the theme's
files, the settings, this plugin's code). A file whose key is the one the previous site's
file was made with (lastbuild.py) is linked from the previous site (a hard link; a copy
where the file system has none), not rendered. The others are rendered on every core when
Pelican has asked for every file. The output is byte for byte a cold build's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
from collections.abc import Callable

from pelican.plugins import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from .digests import code_digest, digest, key_digest, settings_digest
from .errors import GuideError
from .files import STAMP, link_or_copy, write_atomically, write_stamp
from .run import run_of
from .theme import theme_digest
from .workers import forked_map


def global_key(settings) -> str:
    """What every file is made from: this plugin's code, the theme's files, the settings."""
    return digest(code_digest(), theme_digest(settings["THEME"]), settings_digest(settings))


def stamp_site(output: str, keys: dict[str, str]) -> str:
    """Stamp the site with its build id, a digest of every file's key (so the same sources
    give the same bytes); the build id."""
    build_id = digest(sorted(keys.items()))
    write_stamp(output, build_id)
    return build_id


def body_digest(page) -> str:
    """A digest of the page's body as written: the links step's (links.Settled.body), else its own."""
    found = getattr(page, "body_digest", None)
    return found or hashlib.blake2b(page._content.encode("utf-8"), digest_size=16).hexdigest()


def page_key(base: str, name: str, template_name: str, page) -> str:
    """What a guide page's file is made from: its body and typed fields, its sidebar and
    pager, and what every file is made from (`base`, global_key)."""
    return key_digest(
        base,
        name,
        template_name,
        body_digest(page),
        page.url,
        page.title,
        page.description,
        page.headings,
        getattr(page, "nav", None) and page.nav.digest,
        str(getattr(page, "updated", None)),
        getattr(page, "edit_url", None),
        getattr(page, "markdown_url", None),
        getattr(page, "lang", None),
        getattr(page, "listed", None),
    )


def article_key(base: str, page) -> str:
    """What a page's `<article>` (all the search index reads of it) is made from: its body,
    title, headings, dates, edit link and language; not its sidebar or pager, so renaming
    a page indexes its chapter's pages no more again than its own."""
    return key_digest(
        base,
        "article",
        body_digest(page),
        page.url,
        page.title,
        page.sidebartitle,  # the article's data-pagefind-meta label
        page.headings,
        str(getattr(page, "updated", None)),
        getattr(page, "edit_url", None),
        getattr(page, "lang", None),
    )


def data_key(base: str, name: str, source_key) -> str:
    """What a file that is no template (llms.txt, a page's Markdown) is made from."""
    return key_digest(base, name, source_key)


def template_variables(context, name: str, relative_urls: bool, values) -> dict:
    """What a template rendered into the site's file `name` is given: Pelican's context, with
    the variables Pelican's writer gives each file, and `values`."""
    local = context.copy()
    local["localsiteurl"] = context.get("localsiteurl")
    root = path_to_url(get_relative_path(name))
    if relative_urls:
        local["SITEURL"] = local["localsiteurl"] = root
    local["output_file"] = name
    # The site's root from this file, whatever SITEURL is: the theme loads its script and
    # the search files by it, so a published site works from any address.
    local["GUIDE_ROOT"] = root
    local.update(values)
    return local


def render_file(
    output: str, name: str, template, context, relative_urls: bool, kwargs, in_place: bool
) -> None:
    """One template rendered into `output`/`name`, with the variables Pelican's writer gives."""
    local = template_variables(context, name, relative_urls, kwargs)
    if local["localsiteurl"]:
        context["localsiteurl"] = local["localsiteurl"]  # what Pelican's Content links against
    html = template.render(local)
    path = sanitised_join(output, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if in_place:
        write_atomically(path, html)  # never write into a file another site may share
    else:
        with open(path, "w", encoding="utf-8") as written:
            written.write(html)


class GuideWriter(Writer):
    """Pelican's writer, asked for each file in turn; it renders them all at once, on every
    core (`render`), then links the files whose key is unchanged (`link_unchanged`)."""

    def __init__(self, output_path, settings):
        super().__init__(output_path, settings)
        self.run = run_of(settings)
        self.run.writer = self
        self.previous = self.run.live
        self.in_place = os.path.realpath(self.previous) == os.path.realpath(output_path)
        self.known = self.run.last.keys if self.run.last else {}
        self.global_key = global_key(settings)
        self.keys: dict[str, str] = {}
        self.jobs: list[tuple] = []
        self.unchanged: list[str] = []  # files to link from the previous site
        self.rendered = 0
        self.reused = 0

    def key(self, name: str, template, kwargs) -> str:
        page = kwargs.get("page")
        if page is None:  # a page of the theme: the whole guide's navigation, and its downloads
            pages, made = self.run.pages, self.run.editions
            return key_digest(
                self.global_key,
                name,
                template.name,
                pages.guide.digest if pages else None,
                made.digest if made else None,
            )
        return page_key(self.global_key, name, template.name, page)

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if not name:
            return None
        if paginated or (
            template_name in self.settings["PAGINATED_TEMPLATES"]
            and ("articles" in kwargs or "dates" in kwargs)
        ):
            return super().write_file(
                name,
                template,
                context,
                relative_urls,
                paginated,
                template_name,
                override_output,
                url,
                **kwargs,
            )
        if name in self.keys:
            raise GuideError(f"two files would be written to {name}; each page needs its own slug")
        key = self.keys[name] = self.key(name, template, kwargs)
        self.jobs.append((name, template, context, relative_urls, kwargs, self._unchanged(name, key)))
        return None

    def _unchanged(self, name: str, key: str) -> bool:
        """The previous site's file was made from the same (and is there)."""
        return self.known.get(name) == key and os.path.isfile(os.path.join(self.previous, name))

    def write_data(self, name: str, source_key, make: Callable[[], bytes]) -> None:
        """A file that is no template (llms.txt, a page's Markdown): written when its key
        changed, else linked from the previous site like any other file."""
        if name in self.keys:
            raise GuideError(f"two files would be written to {name}")
        key = self.keys[name] = data_key(self.global_key, name, source_key)
        if self._unchanged(name, key):
            self.unchanged.append(name)
            return
        path = sanitised_join(self.output_path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = make()
        if self.in_place:
            write_atomically(path, data)
        else:
            with open(path, "wb") as written:
                written.write(data)
        self.rendered += 1

    def _render(self, index: int) -> tuple[int, int]:
        """Render and write one job; the warnings and errors it logged (a forked worker's
        count would otherwise be lost)."""
        name, template, context, relative_urls, kwargs, _ = self.jobs[index]
        counted = self.run.report
        before = (counted.warnings, counted.errors)
        render_file(self.output_path, name, template, context, relative_urls, kwargs, self.in_place)
        logged = (counted.warnings - before[0], counted.errors - before[1])
        counted.warnings, counted.errors = before  # counted once, by render, wherever this ran
        return logged

    def _weight(self, index: int) -> int:
        page = self.jobs[index][4].get("page")
        return len(page._content) + 20000 if page is not None else 20000  # a sidebar costs too

    def render(self) -> None:
        """Render, on every core, each file whose key changed."""
        todo = [index for index, job in enumerate(self.jobs) if not job[5]]
        self.unchanged += [job[0] for job in self.jobs if job[5]]
        if todo and self.in_place:
            # Files are about to change in place: the stamp, and the keys it vouches for, no longer hold.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.output_path, STAMP))
        for warnings, errors in forked_map(self._render, todo, self.run.config.workers, weight=self._weight):
            self.run.report.warnings += warnings
            self.run.report.errors += errors
        self.rendered += len(todo)

    def link_unchanged(self) -> None:
        """Each file whose key is unchanged, linked from the previous site (in place: kept);
        then Pelican's content_written for every file."""
        if not self.in_place:
            targets = [
                os.path.join(self.output_path, name)
                if posixpath.normpath(name) == name and not name.startswith(("/", "../"))
                else sanitised_join(self.output_path, name)  # refuses a name that leaves the site
                for name in self.unchanged
            ]
            for folder in {os.path.dirname(target) for target in targets}:
                os.makedirs(folder, exist_ok=True)
            for name, target in zip(self.unchanged, targets, strict=True):
                try:
                    os.link(os.path.join(self.previous, name), target)
                except OSError:  # no hard links here: a copy
                    link_or_copy(os.path.join(self.previous, name), target)
        self.reused += len(self.unchanged)
        if signals.content_written.receivers:
            for name, _, context, _, kwargs, _ in self.jobs:
                signals.content_written.send(
                    sanitised_join(self.output_path, name), context={**context, **kwargs}
                )
        self.jobs, self.unchanged = [], []
