"""What a build leaves for the next build of the same site: the values its steps returned
that the next one starts from. One file per site (by the live output folder's path), saved
whole when the site is stamped, under the site's build id and this plugin's code: a site
built since by anything else, or another version of the plugin, and the file is not used.

- `settled`: each page's body with its links settled, and what was said of them (links.py);
- `keys`: what each file was made from (writer.py): a file whose key is the same is linked
  from the previous site instead of rendered;
- `checks`: what the check found of each file (check/), kept for the files that passed;
- `dates`: what `git log` said at the commit the pages' dates come from (gitdates.py);
- `statics`: the stamp of each static file's source when it was copied (staticfiles.py);
- `sources`: each page's file and its source, for `make linkcheck`'s report.

Pelican's content cache keeps the pages themselves (pagecache.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .caches import Cache
from .digests import code_digest, digest
from .files import read_stamp
from .gitdates import Dates


@dataclass(frozen=True)
class LastBuild:
    build: str  # the site's build id (files.STAMP)
    settled: dict  # source path -> links.Settled
    keys: dict[str, str]  # site path -> writer key
    checks: dict[str, list]  # site path -> the check's record of it
    dates: Dates | None
    statics: dict[str, tuple]  # a static file's site path -> its source's stamp (staticfiles.py)
    sources: dict[str, str]  # a page's site path -> its source file


WHAT = "record of the last build"


def name(live: str) -> str:
    return f"guide-build-{digest(os.path.realpath(live))}.pickle"


def _key(build_id: str) -> str:
    return digest(code_digest(), build_id)


def load(cache: Cache, live: str) -> LastBuild | None:
    """What the build of the site now at `live` left; None when there is none for it."""
    stamp = read_stamp(live)
    if stamp is None:
        return None
    return cache.load(name(live), _key(stamp), LastBuild, WHAT, "rendering and checking every file again")


def save(cache: Cache, live: str, last: LastBuild) -> None:
    """Kept for the next build of the site that becomes `live`."""
    cache.save(name(live), _key(last.build), last, WHAT)
