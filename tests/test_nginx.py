"""The published site served by a real nginx with the shipped deploy/nginx.conf."""

from __future__ import annotations

import grp
import http.client
import os
import pwd
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import browser_checks as bc
import pytest
from conftest import REPO
from reader import record
from tools import free_port

EXAMPLE = REPO / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def render_example(root: Path, port: int) -> str:
    """The shipped server block with only its `listen` and `root` lines changed."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for line, replacement in (
        ("    listen 80;\n", f"    listen 127.0.0.1:{port};\n"),
        ("    root /var/www/servers-guide;\n", f"    root {root};\n"),
    ):
        assert text.count(line) == 1, f"deploy/nginx.conf no longer has {line.strip()!r}"
        text = text.replace(line, replacement)
    return text


def main_config(folder: Path, server_block: Path) -> str:
    """nginx.conf around the server block: everything in `folder`, run as this user."""
    user = pwd.getpwuid(os.geteuid()).pw_name
    group = grp.getgrgid(os.getegid()).gr_name
    temp = "\n".join(
        f"    {name}_temp_path {folder / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, workers would drop to nobody, who cannot read pytest's private folders.
    user_line = f"user {user} {group};" if os.geteuid() == 0 else ""
    return f"""{user_line}
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temp}
    include {server_block};
}}
"""


@contextmanager
def running_nginx(site: Path, folder: Path, edit=lambda text: text):
    """nginx serving `site` with the shipped server block (`edit` changes it first); yields
    its port."""
    if NGINX is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed; .ci/run installs nginx-light with apt-get")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    server_block = folder / "servers-guide.conf"
    server_block.write_text(edit(render_example(site, port)), encoding="utf-8")
    config = folder / "nginx.conf"
    config.write_text(main_config(folder, server_block), encoding="utf-8")
    command = [NGINX, "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = folder / "error.log"
                    shown = log.read_text() if log.exists() else "no error log was written"
                    pytest.fail(f"nginx did not start: {shown}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def nginx(published_site, tmp_path):
    with running_nginx(published_site.output, tmp_path) as port:
        yield port


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_gzip_client_gets_the_precompressed_file(nginx, published_site):
    status, headers, body = get(nginx, "/servers.html", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"].startswith("text/html")
    assert "accept-encoding" in headers.get("vary", "").lower()
    assert body == (published_site.output / "servers.html.gz").read_bytes()


def test_plain_client_gets_the_plain_file(nginx, published_site):
    status, headers, body = get(nginx, "/servers.html", {"Accept-Encoding": "identity"})
    assert status == 200
    assert "content-encoding" not in headers
    assert body == (published_site.output / "servers.html").read_bytes()


def test_missing_path_gets_the_404_page_with_status_404(nginx, published_site):
    status, _headers, body = get(nginx, "/no-such-page.html", {"Accept-Encoding": "identity"})
    assert status == 404
    assert body == (published_site.output / "404.html").read_bytes()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_servers_page_as_served_is_the_page_and_its_script_within_budget_and_passes_axe(
    nginx, new_context, scheme
):
    """What a reader's browser gets from the real server: the page, then its one script, each
    sent as the precompressed file, the page within the first round trip and the script
    within 4 KiB, with no WCAG violation."""
    url = f"http://127.0.0.1:{nginx}/servers.html"
    seen = bc.visit(new_context(bc.DESKTOP, scheme), url, settle=True)
    sent = bc.transferred_bytes(seen)
    record("servers.html bytes sent by nginx (gzip_static)", sent[url])
    record("guide.js bytes sent by nginx (gzip_static)", sent[f"http://127.0.0.1:{nginx}/{bc.SCRIPT}"])
    assert bc.request_problems(seen) == []
    assert list(sent) == [url, f"http://127.0.0.1:{nginx}/{bc.SCRIPT}"]
    assert [response.headers["content-encoding"] for response in seen.responses] == ["gzip", "gzip"]
    assert bc.transfer_problems(seen) == []
    assert bc.axe_problems(seen.page) == []


@pytest.mark.browser
def test_the_transfer_check_names_a_server_that_sends_the_page_uncompressed(
    published_site, tmp_path, new_context
):
    """The same site behind nginx without gzip_static: the page goes out whole, over the limit."""

    def no_gzip(text: str) -> str:
        assert "    gzip_static on;\n" in text
        return text.replace("    gzip_static on;\n", "")

    with running_nginx(published_site.output, tmp_path, no_gzip) as port:
        seen = bc.visit(new_context(), f"http://127.0.0.1:{port}/servers.html", settle=True)
        problems = bc.transfer_problems(seen)
    assert any("bytes sent, over the 14336 byte limit" in line for line in problems), problems


def test_a_folder_is_never_listed_and_answers_like_a_missing_page(nginx, published_site):
    """As `make serve` and `make devserver` answer it (tests/test_servers.py)."""
    for path in ("/theme/", "/pagefind/", "/theme"):
        status, _, body = get(nginx, path, {"Accept-Encoding": "identity"})
        assert status in (301, 404) if path == "/theme" else status == 404, (path, status)
        if status == 404:
            assert body == (published_site.output / "404.html").read_bytes()
