"""Time from saving a page to the reload message and the rebuilt page, with `make devserver`.

    python -m tests.perf.devserver_latency --pages 1000

Starts the devserver on a free port over a synthetic guide, connects to its
live-reload WebSocket as a browser page does, then edits one page several times
and measures, for each save: the time until the server tells the page to reload,
and until the rebuilt HTML is served.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .synthetic import REPO, page_files, write_guide

CONFFILE = REPO / "pelicanconf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_devserver(
    content: Path, output: Path, port: int, log, cache: Path | None = None
) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "guide-devserver"),
        str(content),
        "-o",
        str(output),
        "-s",
        str(CONFFILE),
        "--cache-path",
        str(cache or output.parent / ".cache"),
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    return subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, timeout: float, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError(f"gave up after {timeout} s")


class ReloadListener:
    """A WebSocket client speaking livereload's handshake, as livereload.js does."""

    def __init__(self, port: int):
        from tornado.ioloop import IOLoop
        from tornado.websocket import websocket_connect

        self.loop = IOLoop()
        self.connection = self.loop.run_sync(
            lambda: websocket_connect(f"ws://127.0.0.1:{port}/livereload"), timeout=10
        )
        hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
        self.loop.run_sync(lambda: self.connection.write_message(json.dumps(hello)))
        self.loop.run_sync(self.connection.read_message, timeout=10)  # the server's hello
        info = {"command": "info", "url": f"http://127.0.0.1:{port}/", "plugins": {}}
        self.loop.run_sync(lambda: self.connection.write_message(json.dumps(info)))
        time.sleep(0.2)  # the server now counts this connection among the pages to reload

    def drain(self) -> None:
        """Drop messages already sent (a save seen as two changes rebuilds twice)."""
        while True:
            try:
                message = self.loop.run_sync(self.connection.read_message, timeout=0.05)
            except TimeoutError:
                return
            if message is None:
                return

    def next_reload(self, timeout: float) -> dict:
        while True:
            message = self.loop.run_sync(self.connection.read_message, timeout=timeout)
            if message is None:
                raise ConnectionError("the devserver closed the live-reload connection")
            data = json.loads(message)
            # livereload's own start-up reload names "__livereload__"; the devserver's name "*".
            if data.get("command") == "reload" and data.get("path") != "__livereload__":
                return data

    def close(self) -> None:
        self.connection.close()
        self.loop.close()


def measure(
    pages: int,
    saves: int = 3,
    root: Path | None = None,
    content: Path | None = None,
    cache: Path | None = None,
) -> dict:
    """Save-to-reload times; `content` and `cache` reuse a guide already written and read."""
    root = Path(tempfile.mkdtemp(prefix="guide-devserver-", dir=root))
    process = None
    try:
        if content is None:
            content = root / "content"
            write_guide(content, pages)
        page = page_files(content)[pages // 2]
        slug = next(
            line.split(": ", 1)[1] for line in page.read_text().splitlines() if line.startswith("slug:")
        )
        port = free_port()
        log = open(root / "devserver.log", "w")  # noqa: SIM115 - the devserver's output while it runs
        started = time.perf_counter()
        process = start_devserver(content, root / "output", port, log, cache)
        url = f"http://127.0.0.1:{port}/{slug}.html"
        wait_for(lambda: fetch(url), timeout=300, step=0.2)
        first_build = time.perf_counter() - started
        listener = ReloadListener(port)
        reloads, served, indexed = [], [], []
        log_file = root / "devserver.log"
        for save in range(saves):
            # A person does not save twice within the same second.
            time.sleep(0.5)
            listener.drain()
            updates = log_file.read_text().count("search index updated")
            marker = f"Saved {save} at {time.time()}."
            saved = time.perf_counter()
            with open(page, "a", encoding="utf-8") as text:
                text.write(f"\n{marker}\n")
            listener.next_reload(timeout=120)
            reloads.append(time.perf_counter() - saved)
            wait_for(lambda marker=marker: marker in (fetch(url) or ""), timeout=60, step=0.01)
            served.append(time.perf_counter() - saved)
            # The edited page's search shard, indexed again after the reload.
            wait_for(
                lambda updates=updates: log_file.read_text().count("search index updated") > updates,
                timeout=300,
                step=0.01,
            )
            indexed.append(time.perf_counter() - saved)
        listener.close()
        return {
            "pages": pages,
            "first_build_s": first_build,
            "save_to_reload_s": statistics.median(reloads),
            "save_to_served_s": statistics.median(served),
            "save_to_search_s": statistics.median(indexed),
            "all_reloads_s": reloads,
        }
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=3)
    args = parser.parse_args(argv)
    result = measure(args.pages, args.saves)
    print(
        f"Devserver, {result['pages']} pages: first build {result['first_build_s']:.1f} s; "
        f"save to reload message {result['save_to_reload_s']:.2f} s, "
        f"save to rebuilt page served {result['save_to_served_s']:.2f} s, "
        f"save to search index current {result['save_to_search_s']:.2f} s "
        f"(median of {len(result['all_reloads_s'])} saves)."
    )


if __name__ == "__main__":
    main()
