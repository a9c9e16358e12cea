"""The outside tools the reader tests need (Chromium, Java with vnu.jar), and a local web server.

Without a tool the tests that need it skip with the reason; with CI=true they fail instead,
so CI can never pass by skipping them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(folder: Path):
    """Serve `folder` over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
