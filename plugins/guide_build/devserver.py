"""`python -m guide_build.devserver [pelican arguments] -b HOST -p PORT`: `make devserver`.

Builds the site once, serves the output folder with the `livereload` package, and
on every change to the content, the theme or the settings file runs
the same staged build as `make html` (with Pelican's content cache, so only
changed pages are read again), then tells the open browser pages to reload. A
build that fails leaves the served site as it was and prints its errors.

The site's Content-Security-Policy runs no script. livereload injects one inline
snippet into every HTML page it serves, so the devserver's builds, and only they,
allow that snippet by its hash, and scripts and WebSockets from the dev server.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time

from guide_theme.stylesheet import sha256_base64

from .__main__ import build

logger = logging.getLogger("guide_build.devserver")

# What livereload 2.7 (requirements.txt pins it) injects before </head> when it serves
# the pages and its WebSocket on the same port; tests/test_devserver.py compares it
# with what the server really sends, so an upgrade that changes it fails there.
LIVERELOAD_SNIPPET = (
    "(function(){"
    'var s=document.createElement("script");'
    "var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    's.src="//"+window.location.hostname+":"+port'
    '+ "/livereload.js?port=" + port;'
    "document.head.appendChild(s);"
    "})();"
)


def allow_live_reload(settings) -> None:
    settings["GUIDE_THEME"] = {
        **settings.get("GUIDE_THEME", {}),
        "dev_script_hashes": [sha256_base64(LIVERELOAD_SNIPPET)],
    }


def _parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-b", "--bind", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=8000)
    return parser.parse_known_args(argv)


def _watched(pelican_argv: list[str]) -> tuple[list[str], str]:
    """The folders and files whose change means a rebuild, and the output folder."""
    from pelican import get_config, parse_arguments
    from pelican.settings import read_settings

    args = parse_arguments(pelican_argv)
    settings = read_settings(args.settings, override=get_config(args))
    # Not the plugins: this process keeps the code it started with; restart for those.
    paths = [settings["PATH"], settings["THEME"]]
    if args.settings:
        paths.append(os.path.abspath(args.settings))
    return [path for path in paths if os.path.exists(path)], settings["OUTPUT_PATH"]


def main(argv: list[str] | None = None) -> None:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado import ioloop
    from watchfiles import watch

    options, pelican_argv = _parse(sys.argv[1:] if argv is None else argv)
    watched, output = _watched(pelican_argv)
    build(pelican_argv, allow_live_reload)

    loop_ready = threading.Event()
    loop_holder = {}

    def rebuild_on_change() -> None:
        loop_ready.wait()
        # watchfiles uses inotify: a save is seen within milliseconds, not a poll later.
        for changes in watch(*watched, debounce=50, step=20, rust_timeout=0):
            started = time.perf_counter()
            if build(pelican_argv, allow_live_reload) == 0:
                # Tell the browsers from the server's own thread.
                # "*": the whole page, even for a CSS change (the CSS is inlined).
                loop_holder["loop"].add_callback(LiveReloadHandler.reload_waiters, "*")
                names = ", ".join(sorted(os.path.basename(path) for _, path in changes)[:3])
                print(f"devserver: rebuilt after {names} in {time.perf_counter() - started:.2f} s", flush=True)

    threading.Thread(target=rebuild_on_change, daemon=True, name="rebuild").start()

    # livereload prints its own lines with its own handler; not a second time through ours.
    logging.getLogger("livereload").propagate = False
    server = Server()
    # livereload watches the working folder by polling unless told to watch something;
    # the rebuild thread does the watching, so give it a path that never changes.
    server.watch(os.path.join(output, ".devserver-watches-nothing"))

    def started() -> None:
        loop_holder["loop"] = ioloop.IOLoop.current()
        loop_ready.set()
        print(f"devserver: serving {output} on http://{options.bind}:{options.port}/", flush=True)

    ioloop.IOLoop.current().add_callback(started)
    server.serve(host=options.bind, port=options.port, root=output, open_url_delay=None)


if __name__ == "__main__":
    main()
