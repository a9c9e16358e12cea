"""`make serve` and `make devserver` answer as the published site's nginx does, and only to
requests addressed to them: tried as a careless browser and as a hostile page would."""

from __future__ import annotations

import http.client
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import CONFFILE, GUIDE_BUILD, REPO, Guide
from pelican.plugins.guide.serving import allowed_host, allowed_origin
from perf.devserver_latency import free_port, wait_for

DEVSERVER = GUIDE_BUILD.parent / "guide-devserver"
SECRET = "a file outside the site\n"


class Server:
    def __init__(self, kind: str, root: Path, output: Path, port: int, log: Path):
        self.kind, self.output, self.port, self.log = kind, output, port, log
        flags = ["--no-build"] if kind == "serve" else []
        command = [
            str(DEVSERVER),
            *flags,
            str(root / "content"),
            "-o",
            str(output),
            "-s",
            str(CONFFILE),
            "--cache-path",
            str(root / f".cache-{kind}"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
        ]
        with open(log, "w") as written:
            self.process = subprocess.Popen(command, cwd=REPO, stdout=written, stderr=subprocess.STDOUT)
        wait_for(lambda: self.request("/a.html")[0] == 200, timeout=90, step=0.1)

    def request(self, path: str, headers: dict | None = None, method: str = "GET") -> tuple[int, bytes]:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        except OSError:
            return 0, b""  # the connection was dropped
        finally:
            connection.close()

    def printed(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def dress(output: Path, outside: Path) -> None:
    """What a hostile or careless folder holds: a link to a file outside it, a large file."""
    (output / "leak.txt").symlink_to(outside)
    (output / "big.bin").write_bytes(os.urandom(1024) * 16 * 1024)  # 16 MiB


@pytest.fixture(scope="module", params=["serve", "devserver"])
def server(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(request.param)
    guide = Guide(root)
    guide.page(
        "a.md", "Some text.\n\n## Content\n\nMore text.\n", title="A", slug="a", sortorder="0100", toc="yes"
    )
    guide.page("b.md", title="B", slug="b", sortorder="0101")
    outside = root / "secret.txt"
    outside.write_text(SECRET)
    output = root / ("output" if request.param == "serve" else "dev")
    if request.param == "serve":
        assert guide.build().returncode == 0
        dress(output, outside)
    running = Server(request.param, root, output, free_port(), root / "server.log")
    if request.param == "devserver":
        dress(output, outside)
    yield running
    running.stop()
    assert "Traceback" not in running.printed()


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        ("/a%00b", (400, 404)),  # a name no file can have
        ("/a.html%00.png", (400, 404)),
        ("/%ed%a0%80.html", (400, 404)),  # not UTF-8
        ("/leak.txt", (404,)),  # a link to a file outside the folder
        ("/theme/", (404,)),  # a folder without an index: never listed
        ("/theme", (301, 404)),
        # Out of the folder, however written: the site's 404 page, never tornado's 403.
        ("/../secret.txt", (404,)),
        ("/../", (404,)),
        ("/%2e%2e/", (404,)),
        ("/%2e%2e/secret.txt", (404,)),
        ("/..%2fsecret.txt", (404,)),
        ("//etc/passwd", (404,)),
        ("/a.html/../../secret.txt", (404,)),
    ],
)
def test_a_request_for_what_the_site_does_not_publish_is_refused_quietly(server, path, statuses):
    status, body = server.request(path)
    assert status in statuses, (path, status)
    assert SECRET.encode() not in body and b"Directory listing" not in body
    if status == 404:
        assert b"<h1>Page not found</h1>" in body  # the site's own 404.html
    assert server.request("/a.html")[0] == 200  # and it still serves
    assert "Traceback" not in server.printed() and "Error" not in server.printed()


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("[::1]:{port}", 200),
        ("attacker.example:{port}", 403),  # DNS rebinding: another site's name pointed here
        ("127.0.0.1.attacker.example", 403),
        ("192.168.1.20:{port}", 403),
    ],
)
def test_only_requests_addressed_to_the_server_are_answered(server, host, status):
    assert server.request("/a.html", {"Host": host.format(port=server.port)})[0] == status


def test_a_browser_that_goes_away_mid_answer_leaves_the_terminal_quiet(server):
    for _ in range(4):
        with socket.create_connection(("127.0.0.1", server.port)) as abandoned:
            abandoned.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            abandoned.recv(4096)
            abandoned.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )  # a reset, as a tab closed
    time.sleep(1)
    assert server.request("/a.html")[0] == 200
    assert "Traceback" not in server.printed() and "BrokenPipe" not in server.printed()


def queued_while_busy(server: Server, count: int) -> int:
    """How many of `count` connections the kernel completes for the server while it accepts
    none (stopped): its listen backlog, whatever the machine's load. A connection past the
    backlog gets no answer to its SYN, and with a busy server its browser would wait a
    second before trying again."""
    os.kill(server.process.pid, signal.SIGSTOP)
    sockets = []
    try:
        for _ in range(count):
            connection = socket.socket()
            connection.setblocking(False)
            connection.connect_ex(("127.0.0.1", server.port))
            sockets.append(connection)
        # Loopback handshakes complete at once; those past the backlog never do while the
        # server is stopped, so waiting longer changes nothing but how long a failure takes.
        pending = list(sockets)
        deadline = time.monotonic() + 10
        while pending and time.monotonic() < deadline:
            _, writable, _ = select.select([], pending, [], 2.0)
            pending = [connection for connection in pending if connection not in writable]
            if not writable:
                break
        return count - len(pending)
    finally:
        for connection in sockets:
            connection.close()
        os.kill(server.process.pid, signal.SIGCONT)


def test_a_burst_of_connections_waits_in_the_backlog_while_the_server_is_busy(server):
    """A listen backlog of 5 (socketserver's default) dropped part of a burst: those waited a
    second for TCP to try again. 100 connections at once all wait their turn."""
    assert queued_while_busy(server, 100) == 100
    assert server.request("/a.html")[0] == 200  # and it answers again once it runs


def test_the_backlog_measure_names_socketservers_default_of_5(tmp_path):
    """The measure itself, against a server that listens as socketserver did: backlog 5."""
    port = free_port()
    script = (
        "import socket, time\n"
        f"s = socket.create_server(('127.0.0.1', {port}), backlog=5)\n"
        "print('listening', flush=True)\n"
        "time.sleep(120)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "listening\n"
        fake = SimpleNamespace(process=process, port=port)
        assert queued_while_busy(fake, 100) == 6  # the backlog, and one more as Linux counts
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("server", ["devserver"], indirect=True)  # make serve has no live reload
def test_the_live_reload_socket_opens_only_for_the_servers_own_pages(server):
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    def connect(origin: str | None, host: str | None = None) -> bool:
        headers = {key: value for key, value in (("Origin", origin), ("Host", host)) if value}
        request = HTTPRequest(f"ws://127.0.0.1:{server.port}/livereload", headers=headers)
        loop = IOLoop()
        try:
            loop.run_sync(lambda: websocket_connect(request), timeout=10).close()
            return True
        except HTTPClientError:
            return False
        finally:
            loop.close()

    assert connect(f"http://127.0.0.1:{server.port}") and connect(None)
    assert connect(f"http://localhost:{server.port}", host=f"localhost:{server.port}")
    # Only the page's own origin: not another port of this machine (another local site),
    # not another of its names, not https, not a page of another site.
    assert not connect(f"http://127.0.0.1:{server.port + 1}")
    assert not connect(f"http://localhost:{server.port}")  # asked at 127.0.0.1
    assert not connect(f"https://127.0.0.1:{server.port}")
    assert not connect("http://attacker.example")
    assert not connect(None, host=f"attacker.example:{server.port}")
    assert server.request("/livereload.js", {"Host": "attacker.example"})[0] == 403


@pytest.mark.parametrize(
    ("host", "bound", "allowed"),
    [
        ("127.0.0.1:8000", "127.0.0.1", True),
        ("localhost:8000", "127.0.0.1", True),
        ("docs.localhost", "localhost", True),
        ("attacker.example:8000", "127.0.0.1", False),
        ("localhost", "192.168.1.5", False),  # bound to one address: only that one
        ("192.168.1.5:8000", "192.168.1.5", True),
        ("192.168.1.5:8000", "0.0.0.0", True),  # bound to every interface: any address
        ("attacker.example", "0.0.0.0", False),
        ("mybox.lan:8000", "mybox.lan", True),
        ("127.0.0.1:notaport", "127.0.0.1", False),
    ],
)
def test_the_host_rule(host, bound, allowed):
    assert allowed_host(host, bound) is allowed
    assert allowed_origin(f"http://{host}", host, bound) is allowed
    assert allowed_origin("null", host, bound) is False
    assert allowed_origin(f"https://{host}", host, bound) is False
    assert allowed_origin(f"http://{host}", "elsewhere.example", bound) is False
