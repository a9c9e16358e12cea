"""Writing the site: a file is rendered only when what it is made from changed.

For each file Pelican asks it to write, the writer works out a key: a digest of what the
file is made from (the page's body and typed fields, its sidebar and pager, the theme's
files, the settings, this plugin's code). A file whose key is the one the previous site's
file was made with is linked from the previous site (a hard link; a copy where the file
system has none), not rendered. The others are rendered on every core when Pelican has
asked for every file. The output is byte for byte a cold build's.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from pelican.plugins import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from .caches import is_dict_of
from .digests import code_digest, digest, settings_digest
from .errors import GuideError
from .files import PREVIOUS_SITE, STAMP, link_or_copy, read_stamp, write_atomically, write_stamp  # noqa: F401
from .state import state_of
from .theme import theme_digest
from .workers import forked_map


def global_key(settings) -> str:
    """What every file is made from: this plugin's code, the theme's files, the settings."""
    return digest(code_digest(), theme_digest(settings["THEME"]), settings_digest(settings))


def manifest_path(settings, previous: str) -> str | None:
    """Where the keys of the files of the site at `previous` are kept."""
    if not settings.get("CACHE_PATH"):
        return None
    return os.path.join(
        os.path.abspath(settings["CACHE_PATH"]), f"guide-site-{digest(os.path.realpath(previous))}.json"
    )


def finish_site(output: str, manifest: str | None, keys: dict[str, str], caches) -> str:
    """Stamp the site with its build id, a digest of every file's key (so the same sources
    give the same bytes), and keep the keys its files were made with; the build id."""
    build_id = digest(sorted(keys.items()))
    write_stamp(output, build_id)
    if manifest is not None:
        caches.save(manifest, "writer's list of files", {"build": build_id, "keys": keys})
    return build_id


def page_key(base: str, name: str, template_name: str, page) -> str:
    """What a guide page's file is made from: its body and typed fields, its sidebar and
    pager, and what every file is made from (`base`, global_key)."""
    body = hashlib.blake2b(page._content.encode("utf-8"), digest_size=16).hexdigest()
    return digest(
        base,
        name,
        template_name,
        body,
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
    body = hashlib.blake2b(page._content.encode("utf-8"), digest_size=16).hexdigest()
    return digest(
        base,
        "article",
        body,
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
    return digest(base, name, source_key)


def render_file(
    output: str, name: str, template, context, relative_urls: bool, kwargs, in_place: bool
) -> None:
    """One template rendered into `output`/`name`, with the variables Pelican's writer gives."""
    local = context.copy()
    local["localsiteurl"] = context.get("localsiteurl")
    if relative_urls:
        local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
    local["output_file"] = name
    # The site's root from this file, whatever SITEURL is: the theme loads its script and
    # the search files by it, so a published site works from any address.
    local["GUIDE_ROOT"] = path_to_url(get_relative_path(name))
    local.update(kwargs)
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
    def __init__(self, output_path, settings):
        super().__init__(output_path, settings)
        self.state = state_of(settings)
        self.state.writer = self
        self.previous = settings.get(PREVIOUS_SITE) or output_path
        self.in_place = os.path.realpath(self.previous) == os.path.realpath(output_path)
        self.manifest = manifest_path(settings, self.previous) if self.state.config.cache else None
        self.known = self._load_manifest() if settings.get("LOAD_CONTENT_CACHE") else {}
        self.global_key = global_key(settings)
        self.keys: dict[str, str] = {}
        self.jobs: list[tuple] = []
        self.rendered = 0
        self.reused = 0

    def _load_manifest(self) -> dict[str, str]:
        if self.manifest is None:
            return {}
        valid = lambda data: (  # noqa: E731
            isinstance(data, dict)
            and isinstance(data.get("build"), str)
            and is_dict_of(data.get("keys"), str, lambda key: isinstance(key, str))
        )
        data = self.state.caches.load(
            self.manifest, "writer's list of files", valid, "rendering every file again"
        )
        if data is None or data["build"] != read_stamp(self.previous):
            return {}  # the site those keys describe is not the one there now
        return data["keys"]

    def key(self, name: str, template, kwargs) -> str:
        page = kwargs.get("page")
        if page is None:  # a page of the theme: the whole guide's navigation, and its downloads
            return digest(
                self.global_key,
                name,
                template.name,
                self.state.guide.digest if self.state.guide else None,
                self.state.editions.digest if self.state.editions else None,
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
        self.jobs.append((name, template, context, relative_urls, kwargs, self.known.get(name) == key))
        return None

    def write_data(self, name: str, source_key, make: Callable[[], bytes]) -> None:
        """A file that is no template (llms.txt, a page's Markdown): written when its key
        changed, else linked from the previous site like any other file."""
        if name in self.keys:
            raise GuideError(f"two files would be written to {name}")
        key = self.keys[name] = data_key(self.global_key, name, source_key)
        if self.known.get(name) == key and self._reuse(name):
            self.reused += 1
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

    def _reuse(self, name: str) -> bool:
        target = sanitised_join(self.output_path, name)
        if self.in_place:
            return os.path.isfile(target)
        try:
            link_or_copy(os.path.join(self.previous, name), target)
        except FileNotFoundError:
            return False
        return True

    def _render(self, index: int) -> tuple[int, int]:
        """Render and write one job; the warnings and errors it logged (a forked worker's
        count would otherwise be lost)."""
        name, template, context, relative_urls, kwargs, _ = self.jobs[index]
        report = self.state.report
        before = (report.warnings, report.errors)
        render_file(self.output_path, name, template, context, relative_urls, kwargs, self.in_place)
        counted = (report.warnings - before[0], report.errors - before[1])
        report.warnings, report.errors = before  # counted once, by flush, wherever this ran
        return counted

    def _weight(self, index: int) -> int:
        page = self.jobs[index][4].get("page")
        return len(page._content) + 20000 if page is not None else 20000  # a sidebar costs too

    def flush(self) -> None:
        """Link the files that did not change; render the others on every core."""
        todo = [index for index, job in enumerate(self.jobs) if not (job[5] and self._reuse(job[0]))]
        self.reused += len(self.jobs) - len(todo)
        if todo and self.in_place and self.manifest and os.path.isfile(self.manifest):
            os.unlink(self.manifest)  # files are about to change: the old keys no longer hold
        for warnings, errors in forked_map(
            self._render, todo, self.state.config.workers, weight=self._weight
        ):
            self.state.report.warnings += warnings
            self.state.report.errors += errors
        self.rendered += len(todo)
        if signals.content_written.receivers:
            for name, _, context, _, kwargs, _ in self.jobs:
                signals.content_written.send(
                    sanitised_join(self.output_path, name), context={**context, **kwargs}
                )
        self.jobs = []

    def finish(self) -> str:
        """Stamp the site and keep the keys its files were made with; the build id."""
        return finish_site(self.output_path, self.manifest, self.keys, self.state.caches)
