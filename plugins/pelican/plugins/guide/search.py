"""The search index: Pagefind, in shards, so that an edit indexes only its shard again.

Pagefind has no incremental mode: one run indexes every page it is given, in time and
memory that grow with their number (about 2 ms and 0.3 MB a page). So the guide's pages
are dealt into shards of about GUIDE_SEARCH_SHARD_PAGES pages, by a digest of each page's
URL (a page stays in its shard whatever else changes), and each shard is its own
Pagefind bundle, `pagefind/<n>/`. A shard's key is a digest of its pages' article keys
(writer.article_key: what each page's `<article>` is made from, not its sidebar) and of
Pagefind's options: a shard whose key is the one the previous site's shard was made with
is linked from it, the others are indexed again, one Pagefind run each, in the
background while the pages are checked. A cold build makes the same shards, so its
index and an incremental build's are the same files.

Pagefind reads only each page's `<article data-pagefind-body>` (its title, headings and
text; "On this page" and the dates are data-pagefind-ignore), so only that element is
handed to it, its highlighted code emptied (left out of the index anyway): the same
index in less than half the time. `pagefind/shards.json` lists the shards with their
keys: the reader's script searches the first and merges the others (Pagefind's
mergeIndex), and the next build reads the keys. The theme's own pages, the redirects
and hidden pages are never indexed.

Each shard's folder also holds `pages.json`: each page's title and sidebar label
(`data-pagefind-meta="label:..."` where it differs from the title), by Pagefind's id of
the page, read from the shard's fragments once it is indexed; the manifest carries
all of them. With it the reader's script tells how closely a page's title is the query
(which Pagefind's ranking, counting title words as matches, cannot), and offers the
closest titles to a query that found little, without loading any page's fragment.

A published site has one shard (publishconf.py: GUIDE_SEARCH_SHARD_PAGES = None): each
shard adds requests to a reader's first search, and Pagefind ranks a shard's pages by
that shard's own word statistics (BM25's idf), so near ties among shards can come out in
another order than in one index. Readers get the whole index; authors, the quick one.

A build starts indexing as soon as it has rendered the pages that changed (the others are
read from the previous site until they are linked), and checks the site meanwhile.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass

from pagefind_bin import get_executable

from .body import CODE_START, outside_code
from .digests import digest
from .files import link_or_copy
from .workers import die_with_parent
from .writer import article_key

FOLDER = "pagefind"
MANIFEST = "shards.json"  # in FOLDER
PAGES = "pages.json"  # in each shard's folder: {Pagefind's id: [title, label?]}
_FRAGMENT_START = b"pagefind_dcd"  # what Pagefind writes before a fragment's JSON
_WORD = re.compile(r"\w+")
_INDEX_FORMAT = "pages.json: title, label"  # in the shard keys: another format indexes again
# Set by the devserver: a build keeps the previous shards and the devserver indexes the
# stale ones after the reload, so a save is not held up by indexing.
INDEX_LATER = "guide_index_later"
PENDING = "guide_search_pending"  # what a devserver build left to index after the reload: an IndexPlan
# Highlighted code is left out: its words drown the prose in the results, and it doubles
# Pagefind's time on a guide of code examples. So are the headings' "#" links.
EXCLUDED = "div.highlight, .headerlink"
# What a shard keeps of what Pagefind writes: its index; and shard 0, which the theme's
# script loads first, Pagefind's API too (its script, worker and WebAssembly). The other
# shards are merged into it, and Pagefind's own UI files are not used (the theme has its own).
_INDEX_FILES = re.compile(r"^(pagefind-entry\.json|.*\.pf_meta|index|fragment|filter|pages\.json)$")
_API_FILES = re.compile(r"^(pagefind\.js|pagefind-worker\.js|wasm\..*\.pagefind)$")
_BODY = re.compile(r"<(\w+)\b[^>]*\sdata-pagefind-body[\s>=]")
_LANG = re.compile(r"<html\b[^>]*\slang=\"([^\"]*)\"")


@dataclass(frozen=True)
class IndexPlan:
    """One build's index: its shards, those left stale for the devserver to index after the
    reload (shard name -> the key it was made with), and how Pagefind is run."""

    shards: list
    stale: dict[str, str]
    scratch: str
    language: str


@dataclass(frozen=True)
class Shard:
    name: str  # its folder in pagefind/: "0", "1", ...
    key: str
    pages: tuple[str, ...]  # the site paths of its pages, sorted


def plan(pages: dict[str, str], shard_pages: int | None) -> list[Shard]:
    """The shards of the pages {site path: article key}. A page's shard depends only on its
    path and on how many shards there are (and, in a small guide, which are empty)."""
    count = 1 if shard_pages is None else max(1, math.ceil(len(pages) / shard_pages))
    members: list[list[str]] = [[] for _ in range(count)]
    for path in sorted(pages):
        members[int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big") % count].append(
            path
        )
    # A shard no page falls in is left out (Pagefind indexes nothing), the others numbered
    # on: shard 0, which holds Pagefind's API, is never empty.
    members = [paths for paths in members if paths]
    return [
        Shard(
            str(number),
            digest(_pagefind_version(), EXCLUDED, _INDEX_FORMAT, [(path, pages[path]) for path in paths]),
            tuple(paths),
        )
        for number, paths in enumerate(members)
    ]


def _pagefind_version() -> str:
    from importlib.metadata import version

    return version("pagefind-bin")


def language(settings) -> str:
    """The one language the whole guide is indexed in (index_shard)."""
    return settings.get("DEFAULT_LANG") or "en"


def read_manifest(site: str) -> dict[str, str]:
    """{shard name: key} of the shards a site holds; empty when it has none or the file
    is damaged (every shard is then indexed again)."""
    try:
        with open(os.path.join(site, FOLDER, MANIFEST), encoding="utf-8") as stored:
            shards = json.load(stored)["shards"]
        return {str(shard["path"]).rstrip("/"): str(shard["key"]) for shard in shards}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def shard_pages(folder: str) -> dict[str, list[str]]:
    """Each page of an indexed shard, by Pagefind's id (less its language prefix): its
    title, and its label when that has words the title lacks; read from Pagefind's
    fragments (gzip, then JSON). No addresses: a reader's first search loads this whole,
    and a page's address comes with its fragment when the page is shown."""
    pages = {}
    fragments = os.path.join(folder, "fragment")
    for name in sorted(os.listdir(fragments)):
        with open(os.path.join(fragments, name), "rb") as stored:
            data = gzip.decompress(stored.read())
        meta = json.loads(data.removeprefix(_FRAGMENT_START)).get("meta", {})
        page = [meta.get("title", "")]
        label = meta.get("label")
        if label and not set(_WORD.findall(label.lower())) <= set(_WORD.findall(page[0].lower())):
            page.append(label)
        pages[name.split(".", 1)[0].rsplit("_", 1)[-1]] = page
    return pages


def write_manifest(site: str, shards: list[Shard], keys: dict[str, str] | None = None) -> None:
    """pagefind/shards.json, written whole (a temporary file, then a rename), with every
    shard's pages (its pages.json). `keys` overrides a shard's key (the devserver's stale
    shards, until they are indexed)."""
    keys = keys or {}
    pages: dict[str, list[str]] = {}
    for shard in shards:
        try:
            with open(os.path.join(site, FOLDER, shard.name, PAGES), encoding="utf-8") as stored:
                pages.update(json.load(stored))
        except (OSError, ValueError):
            pass  # a shard indexed before pages.json existed: its pages are not listed
    data = {
        "shards": [{"path": f"{shard.name}/", "key": keys.get(shard.name, shard.key)} for shard in shards],
        "pages": pages,
    }
    path = os.path.join(site, FOLDER, MANIFEST)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as written:
        json.dump(data, written, separators=(",", ":"))
    os.replace(temporary, path)


def link_tree(source: str, target: str) -> None:
    """`target` as a copy of `source` made of hard links (copies where links fail)."""
    for folder, _, names in os.walk(source):
        into = os.path.join(target, os.path.relpath(folder, source))
        os.makedirs(into, exist_ok=True)
        for name in names:
            try:
                os.link(os.path.join(folder, name), os.path.join(into, name))
            except OSError:
                link_or_copy(os.path.join(folder, name), os.path.join(into, name))


def searched_part(html: str) -> str:
    """The page as Pagefind needs it: its `<html lang>` and the element marked
    data-pagefind-body, nothing else (no sidebar, header or footer to parse), and its
    highlighted code blocks emptied (Pagefind leaves them out: EXCLUDED), which more than
    halves Pagefind's time on a guide of code examples; the index is the same."""
    start = _BODY.search(html)
    if start is None:
        return ""
    depth = 0  # the element ends where its own end tag does, whatever is nested inside
    for tag in re.compile(rf"<(/?){start[1]}\b[^>]*>").finditer(html, start.start()):
        depth += -1 if tag[1] else 1
        if depth == 0:
            break
    else:
        return ""
    end = tag.end()
    lang = _LANG.search(html)
    element = outside_code(html[start.start() : end], str, code=lambda block: CODE_START)
    return f'<!doctype html><html lang="{lang[1] if lang else "en"}"><body>{element}</body></html>'


def scratch_folder(settings, output: str) -> str:
    """Where the pages handed to Pagefind are written: the cache folder, one per output
    folder (whose lock the build holds), never the site."""
    cache = settings.get("CACHE_PATH") or tempfile.gettempdir()
    return os.path.join(os.path.abspath(cache), f"guide-search-input-{digest(os.path.realpath(output))}")


def index_shard(sites: tuple[str, ...], shard: Shard, into: str, scratch: str, language: str) -> str | None:
    """Index one shard into the folder `into`, each page read from the first of `sites`
    that holds it (the new site may not hold yet the pages it links from the previous one);
    None when it
    succeeded, else what Pagefind printed. One index language for the whole guide, its
    DEFAULT_LANG: Pagefind would otherwise keep a page with `lang: fr` in a French index
    that the guide's search never loads."""
    source = scratch
    shutil.rmtree(source, ignore_errors=True)
    shutil.rmtree(into, ignore_errors=True)
    try:
        for path in shard.pages:
            found = next(
                (os.path.join(site, path) for site in sites if os.path.exists(os.path.join(site, path))), path
            )
            with open(found, encoding="utf-8") as page:
                part = searched_part(page.read())
            target = os.path.join(source, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as written:
                written.write(part)
        done = subprocess.run(
            [
                str(get_executable()),
                "--site",
                source,
                "--output-path",
                into,
                "--exclude-selectors",
                EXCLUDED,
                "--force-language",
                language.split("-")[0].lower(),
                "--silent",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=die_with_parent,  # it dies with the build, even after SIGKILL
        )
        if done.returncode != 0:
            return done.stdout.strip() or f"exit status {done.returncode}"
        for name in os.listdir(into):
            if not (_INDEX_FILES.match(name) or (shard.name == "0" and _API_FILES.match(name))):
                os.unlink(os.path.join(into, name))
        with open(os.path.join(into, PAGES), "w", encoding="utf-8") as written:
            json.dump(shard_pages(into), written, ensure_ascii=False, separators=(",", ":"))
        return None
    finally:
        shutil.rmtree(source, ignore_errors=True)


class Indexing:
    """The shards to index again, indexed one after the other in a thread (Pagefind uses
    the core the check leaves); `wait()` returns the first failure, or None."""

    def __init__(self, sites: tuple[str, ...], shards: list[Shard], scratch: str, language: str):
        self.sites = sites
        self.shards = shards
        self.scratch = scratch
        self.language = language
        self.failure: str | None = None
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for shard in self.shards:
            try:
                failed = index_shard(
                    self.sites,
                    shard,
                    os.path.join(self.sites[0], FOLDER, shard.name),
                    self.scratch,
                    self.language,
                )
            except Exception as error:  # noqa: BLE001 - reported by wait(), never lost with the thread
                failed = f"{type(error).__name__}: {error}"
            if failed:
                self.failure = f"shard {shard.name}: {failed}"
                return

    def wait(self) -> str | None:
        self._thread.join()
        return self.failure


def start_index(settings, config, pages, base_key: str, site: str, previous: str):
    """The index of the guide's listed pages (a hidden page is listed nowhere, the index
    included): (its plan, the indexing under way in the background, or None)."""
    articles = {page.save_as: article_key(base_key, page) for page in pages.listed}
    shards = plan(articles, config.search_shard_pages)
    scratch = scratch_folder(settings, previous)
    indexing, stale = start(
        site, previous, shards, scratch, language(settings), bool(settings.get(INDEX_LATER))
    )
    return IndexPlan(shards, stale, scratch, language(settings)), indexing


def start(
    site: str, previous: str, shards: list[Shard], scratch: str, language: str, later: bool = False
) -> tuple[Indexing | None, dict[str, str]]:
    """Link each shard the previous site holds with the same key (in place: keep it);
    index the others in the background. With `later` (the devserver), a stale shard the
    previous site holds is kept too; returned with the key it was made with, it is
    indexed after the reload."""
    in_place = os.path.realpath(previous) == os.path.realpath(site)
    known = read_manifest(previous)
    todo, kept, stale = [], [], {}
    for shard in shards:
        old = os.path.join(previous, FOLDER, shard.name)
        if shard.name in known and (known[shard.name] == shard.key or later) and os.path.isdir(old):
            kept.append(shard.name)
            if known[shard.name] != shard.key:
                stale[shard.name] = known[shard.name]
        else:
            todo.append(shard)
    # Pagefind first (it is what the build waits for last), then the kept shards' links.
    indexing = Indexing((site, previous), todo, scratch, language) if todo else None
    if not in_place:
        for name in kept:
            link_tree(os.path.join(previous, FOLDER, name), os.path.join(site, FOLDER, name))
    return indexing, stale


def refresh(site: str, shards: list[Shard], stale: dict[str, str], scratch: str, language: str) -> str | None:
    """The devserver's stale shards, indexed in the served site, each swapped in whole (one
    renameat2 exchange: a reader's search sees the old shard or the new one); then the
    manifest. None when all succeeded (or a newer build has replaced the index since: it
    left its own), else the first failure."""
    from .outputdir import exchange

    if read_manifest(site) != {shard.name: stale.get(shard.name, shard.key) for shard in shards}:
        return None
    for shard in (shard for shard in shards if shard.name in stale):
        live = os.path.join(site, FOLDER, shard.name)
        fresh = f"{live}.next"
        failed = index_shard((site,), shard, fresh, scratch, language)
        if failed:
            shutil.rmtree(fresh, ignore_errors=True)
            return failed
        if not exchange(fresh, live):  # no renameat2: the shard is missing between two renames
            os.rename(live, f"{live}.old")
            os.rename(fresh, live)
            fresh = f"{live}.old"
        shutil.rmtree(fresh, ignore_errors=True)  # the old shard, now at the other name
    write_manifest(site, shards)
    return None
