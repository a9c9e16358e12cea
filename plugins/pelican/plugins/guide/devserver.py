"""`guide-devserver`: the author's loop. `make devserver`, `make regenerate`, `make serve`.

    guide-devserver [--no-serve | --no-build] [-b HOST] [-p PORT] [pelican arguments]

(`guide-devserver --help` lists the options: cli.py.)

- Default (`make devserver`): build, serve the output folder with live reload, and on
  every save to the content, the theme or the settings file (however the editor saves:
  the folders are watched) run the same staged build as `make html` in this process, its
  caches warm in memory; then reload the open pages.
  Its builds go to their own folder (the Makefile's DEVOUTPUTDIR): only they allow the
  live-reload script in their Content-Security-Policy. The search index is brought up to
  date in the background after each reload.
- `--no-serve` (`make regenerate`): the same builds, no server.
- `--no-build` (`make serve`): serve the folder as it is.
Both servers answer as the published site's nginx does (serving.py): a missing page is
`404.html` with status 404, no folder is listed, nothing outside the folder is served,
and only requests addressed to the server itself are answered.
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import shutil
import socket
import sys
import threading
import time

from watchfiles import DefaultFilter

from . import pagecache, search
from .build import OneLineHandler, build, load_settings
from .cli import build_argv as cli_build_argv
from .cli import devserver_parser, parse, pelican_argv
from .files import RESIDENT
from .outputdir import Lock
from .serving import LIVERELOAD_SNIPPET, live_application, reload_pages, serve_folder
from .theme import sha256_base64


class DevSettings:
    """The devserver's changes to each build's settings; it keeps the last build's settings,
    where the build leaves the search shards it left for later (search.PENDING)."""

    def __init__(self, serving: bool = True):
        self.serving = serving
        self.last: dict = {}

    def __call__(self, settings) -> None:
        settings[RESIDENT] = True  # the next build finds this one's work in memory
        settings["GUIDE_EDITIONS"] = ()  # an edit would make the whole book again: make epub does
        if self.serving:
            settings["GUIDE_DEV_SCRIPT_HASHES"] = [sha256_base64(LIVERELOAD_SNIPPET)]
            settings[search.INDEX_LATER] = True
        self.last = settings

    def pending(self):
        return self.last.pop(search.PENDING, None)


def port_problem(host: str, port: int) -> str | None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return f"cannot listen on {host}:{port}: {error.strerror}; choose another with PORT=..."
    return None


def discard(folder: str) -> None:
    """The site a build replaced, deleted after the reload, not before it."""
    threading.Thread(target=shutil.rmtree, args=(folder, True), daemon=True, name="discard").start()


def refresh_index(output: str, pending: search.IndexPlan) -> None:
    """Index the search shards a build left stale, in the served site (the dev site only),
    holding the output's lock so the next build links whole shards."""
    lock = Lock(output)
    lock.acquire(wait=True)
    try:
        started = time.perf_counter()
        failed = search.refresh(output, pending.shards, pending.stale, pending.scratch, pending.language)
        if failed:
            print(f"warning: devserver: the search index could not be updated: {failed}", flush=True)
        else:
            print(f"devserver: search index updated in {time.perf_counter() - started:.2f} s", flush=True)
    finally:
        lock.release()


class EditorFilter(DefaultFilter):
    """What a save leaves besides the saved file is no change to the guide: swap and backup
    files, and the temporary files editors and tools write and rename (`sed -i` writes
    sedXXXXXX, vim tests the folder with 4913). They neither start a build nor are named."""

    ignore_entity_patterns = (
        *DefaultFilter.ignore_entity_patterns,
        r"^\.",  # hidden: swap files (.x.swp), .#locks, .goutputstream-*; Pelican ignores them too
        r"^#.*#$",  # Emacs auto-save
        r"^\d+$",  # vim's writability test, 4913
        r"^sed[A-Za-z0-9]{6}$",  # sed -i
        r"\.(tmp|kate-swp|bak|orig|rej)$",
    )


def changed_names(changes) -> str:
    """The files a rebuild answers, by name, each once: the first three, then how many more."""
    names = sorted({os.path.basename(path) for _, path in changes})
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(names[:3]) + more


class SettingsFilter(EditorFilter):
    """In the settings file's folder, its Python files only: the settings file and the
    modules beside it that it may import (publishconf.py imports pelicanconf.py)."""

    def __call__(self, change, path: str) -> bool:
        return path.endswith(".py") and super().__call__(change, path)


def watches(settings, settings_file: str | None) -> list[tuple[list[str], bool, DefaultFilter]]:
    """What the devserver watches: (folders, whether what is under them too, the filter).
    Folders, never files: an editor that saves by rename (vim, Emacs, `sed -i`) or by
    delete-and-create leaves a watch on the file watching a file that is gone. The settings
    file's folder alone, not what is under it (the site, the cache, the venv)."""
    found = [
        (
            [path for path in (settings["PATH"], settings["THEME"]) if os.path.isdir(path)],
            True,
            EditorFilter(),
        )
    ]
    if settings_file:
        found.append(([os.path.dirname(os.path.abspath(settings_file))], False, SettingsFilter()))
    return found


# How long after a build the devserver waits for another save before it tidies its memory:
# long enough for the reload and the reloaded page's requests to be answered first.
TIDY_AFTER_SECONDS = 0.5


def tidy_memory() -> None:
    """Between saves: what Pelican remembers of the last build let go (pagecache.let_go), its
    cyclic garbage collected, and what survives (the guide held in memory) set aside from the
    collector (gc.freeze), so that a collection during the next build walks only what that
    build makes. A full collection in the middle of a build walked the whole guide: 0.07 to
    0.14 s, every other save."""
    pagecache.let_go()
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def saves(settings, settings_file: str | None):
    """Each batch of saves to the content, the theme or the settings, as they come: inotify
    sees a save within milliseconds; what arrives while one batch is built is the next. The
    memory is tidied once while none comes (tidy_memory)."""
    from watchfiles import watch

    arrived: queue.Queue = queue.Queue()

    def pump(folders: list[str], recursive: bool, chosen) -> None:
        for changes in watch(
            *folders, watch_filter=chosen, debounce=50, step=20, rust_timeout=0, recursive=recursive
        ):
            arrived.put(changes)

    for folders, recursive, chosen in watches(settings, settings_file):
        threading.Thread(target=pump, args=(folders, recursive, chosen), daemon=True, name="watch").start()
    while True:
        try:
            changes = set(arrived.get(timeout=TIDY_AFTER_SECONDS))
        except queue.Empty:
            tidy_memory()
            changes = set(arrived.get())
        with contextlib.suppress(queue.Empty):
            while True:  # one build for all that arrived together
                changes |= arrived.get_nowait()
        yield changes


def main(argv: list[str] | None = None) -> None:
    options = parse(devserver_parser(), argv)
    build_argv = cli_build_argv(options)
    try:
        _, settings_file, settings = load_settings(pelican_argv(options), options.strict)
    except Exception as error:  # noqa: BLE001 - one line, as guide-build prints it
        from .build import describe, settings_file_of

        sys.exit(print(f"error: {describe(error, settings_file_of(build_argv))}", file=sys.stderr) or 1)
    output = os.path.realpath(settings["OUTPUT_PATH"])
    if not options.no_serve:
        problem = port_problem(options.bind, options.port)
        if problem:
            sys.exit(print(f"error: {problem}", file=sys.stderr) or 1)
    if options.no_build:
        return serve_folder(output, options.bind, options.port)

    adjust = DevSettings(serving=not options.no_serve)
    status = build(build_argv, adjust, discard=discard)
    holder: dict = {"reload": lambda: None}  # the server's reload, once it runs

    def after_build() -> None:
        pending = adjust.pending()
        if pending:
            threading.Thread(target=refresh_index, args=(output, pending), daemon=True).start()

    if status == 0:
        after_build()

    def rebuild_on_change() -> None:
        for changes in saves(settings, settings_file):
            started = time.perf_counter()
            if build(build_argv, adjust, discard=discard) == 0:
                holder["reload"]()
                print(
                    f"devserver: rebuilt after {changed_names(changes)} "
                    f"in {time.perf_counter() - started:.2f} s",
                    flush=True,
                )
                after_build()

    if options.no_serve:
        print(f"regenerating {output} on every change (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            rebuild_on_change()
        return None

    import logging

    from tornado import ioloop

    loop_ready = threading.Event()

    def start_watching() -> None:
        loop_ready.wait()
        rebuild_on_change()

    threading.Thread(target=start_watching, daemon=True, name="rebuild").start()
    # The server's own lines (requests, a 404) are not the build's warnings; a fault of the
    # server itself is one line, never a traceback.
    for name in ("livereload", "tornado.access", "tornado.general"):
        logging.getLogger(name).propagate = False
        logging.getLogger(name).addHandler(logging.NullHandler())
    faults = logging.getLogger("tornado.application")
    faults.propagate = False
    faults.addHandler(OneLineHandler(debug=False))
    live_application(output, options.bind).listen(options.port, address=options.bind)
    loop = ioloop.IOLoop.current()

    def started() -> None:
        # The whole page, even for a CSS change (the CSS is inlined).
        holder["reload"] = lambda: loop.add_callback(reload_pages)
        loop_ready.set()
        print(f"devserver: serving {output} on http://{options.bind}:{options.port}/", flush=True)

    loop.add_callback(started)
    with contextlib.suppress(KeyboardInterrupt):
        loop.start()
    return None


if __name__ == "__main__":
    main()
