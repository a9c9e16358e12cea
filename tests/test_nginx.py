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
from pathlib import Path

import pytest

from conftest import REPO

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(published_site, tmp_path):
    if NGINX is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed; .ci/run installs nginx-light with apt-get")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    server_block = tmp_path / "servers-guide.conf"
    server_block.write_text(render_example(published_site.output, port), encoding="utf-8")
    config = tmp_path / "nginx.conf"
    config.write_text(main_config(tmp_path, server_block), encoding="utf-8")
    command = [NGINX, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = tmp_path / "error.log"
                    shown = log.read_text() if log.exists() else "no error log was written"
                    pytest.fail(f"nginx did not start: {shown}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


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
    status, headers, body = get(nginx, "/no-such-page.html", {"Accept-Encoding": "identity"})
    assert status == 404
    assert body == (published_site.output / "404.html").read_bytes()
