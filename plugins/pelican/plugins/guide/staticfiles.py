"""The content folder's other files (images, downloads), as Pelican's static generator
found them: none copied from outside the content folder, no page source (articles.py), and
each unchanged file taken from the previous site.

A staged build writes into an empty folder, so Pelican would copy every file again. The
guide links each file whose source is the very file it was when the previous site's copy
was made (its size, time and inode, as the last build recorded them) from the previous
site into the new one before Pelican writes; Pelican, told to copy only what is newer than
its copy (STATIC_CHECK_IF_MODIFIED), then leaves it. Its value is those stamps, for the
next build.
"""

from __future__ import annotations

import os

from . import articles, report
from .files import link_or_copy


def stamp(path: str) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def keep(generator, previous: str, known: dict[str, tuple]) -> dict[str, tuple]:
    """The static files the build copies, checked; those unchanged since the previous site's
    copy linked from it (`known`: the last build's stamps, by site path); this build's stamps."""
    root = os.path.realpath(generator.path)
    kept, stamps, unchanged = [], {}, []
    staged = os.path.realpath(previous) != os.path.realpath(generator.output_path)
    folders: dict[str, str] = {}  # a source folder -> its real path: a few folders hold every file
    for static in generator.staticfiles:
        # Pelican works a file's address out of the settings on every use, as a page's
        # (pages.fix_address): worked out once here, for the plan, the links and the copy.
        static.override_url, static.override_save_as = static.url, static.save_as
        real = _real_path(static.source_path, folders)
        if os.path.commonpath([real, root]) != root or not os.path.exists(real):
            what = (
                f"is a link to {real}, outside the content folder"
                if os.path.exists(real)
                else "is a broken link"
            )
            report.error(static.source_path, f"{what}; it is not copied")
            generator.context["static_content"].pop(static.get_relative_source_path(), None)
            continue
        refused = articles.refusal(static.get_relative_source_path(), generator.settings["PAGE_PATHS"])
        if refused:  # a page source: it would be published as it is (articles.py)
            report.error(static.source_path, refused)
            continue
        kept.append(static)
        stamps[static.save_as] = found = stamp(static.source_path)
        if staged and found is not None and known.get(static.save_as) == found:
            unchanged.append((static.save_as, found))
    _link_previous(previous, generator.output_path, unchanged)
    generator.staticfiles = kept
    generator.context["staticfiles"] = kept
    return stamps


def _real_path(path: str, folders: dict[str, str]) -> str:
    """os.path.realpath(path), its folder's resolved once for all the files in it."""
    if os.path.islink(path):
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    if folder not in folders:
        folders[folder] = os.path.realpath(folder)
    return os.path.join(folders[folder], name)


def _link_previous(previous: str, output: str, unchanged: list[tuple[str, tuple]]) -> None:
    """The previous site's copy of each unchanged file, when it is not older than its source:
    Pelican leaves a copy that is not older, and never writes into this one, which the
    previous site shares. Each folder made once."""
    made = set()
    for save_as, source in unchanged:
        old = os.path.join(previous, save_as)
        try:
            copy = os.stat(old)
        except OSError:
            continue
        if copy.st_size == source[0] and copy.st_mtime_ns >= source[1]:
            target = os.path.join(output, save_as)
            folder = os.path.dirname(target)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            try:
                os.link(old, target)
            except OSError:  # no hard links here, or the file went: as link_or_copy does
                link_or_copy(old, target)
