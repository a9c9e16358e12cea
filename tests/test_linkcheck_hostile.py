"""`make linkcheck` against hosts that answer what no polite host would: bytes that are not
UTF-8, escape sequences, credentials, broken HTTP, answers that trickle, pages of 8 MB; a
damaged cache; a site swapped under the checker. Nothing crashes, leaks or misleads.

Every host is a server of this test on 127.0.0.x (raw sockets where the answer is no
valid HTTP); nothing leaves the loopback. The report is written to streams that encode
strictly as UTF-8, as a terminal or a pipe does."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import shutil
import socketserver
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import REPO, Guide
from pelican.plugins.guide.linkcheck import cli, links, pageids
from pelican.plugins.guide.linkcheck.cache import NAME as CACHE_NAME
from pelican.plugins.guide.outputdir import STAGING_MARK, swap
from test_linkcheck import GUIDE_LINKCHECK, TestHosts, fresh_cache, linkcheck_argv, only
from tools import QuietServer

TIMEOUT = 1.5  # GUIDE_LINKCHECK_TIMEOUT of these runs: a whole request may take 3 s
TRICKLE = 0.02  # seconds between the bytes of an answer that never ends


class RawHost(socketserver.ThreadingTCPServer):
    """A host that answers each path with the bytes given, whatever they are, and keeps
    every request it got. "/trickle" sends a header byte every TRICKLE seconds, forever."""

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, address: str, answers: dict[str, bytes]):
        super().__init__((address, 0), RawHandler)
        self.answers = answers
        self.requests: list[bytes] = []

    @property
    def base(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"


class RawHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            received = self.request.recv(65536)
            if not received:
                return
            data += received
        self.server.requests.append(data)
        path = data.split(b" ")[1].decode("latin-1")
        try:
            if path == "/trickle":
                self.request.sendall(b"HTTP/1.1 200 OK\r\n")
                while True:
                    self.request.sendall(b"X")
                    time.sleep(TRICKLE)
            self.request.sendall(self.server.answers.get(path, b"HTTP/1.1 404 Not Found\r\n\r\n"))
        except OSError:
            pass  # the client went away: its time was up


def raw(status_line: bytes, *headers: bytes, body: bytes = b"") -> bytes:
    lines = [status_line, *headers, b"Content-Length: %d" % len(body), b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@pytest.fixture(scope="module")
def hosts():
    """Three hosts: 127.0.0.2 answers the hostile answers, 127.0.0.3 is "another host" a
    redirect leads to, 127.0.0.4 is the host a link with credentials names."""
    other = RawHost("127.0.0.3", {"/landing": raw(b"HTTP/1.1 200 OK"), "/x": raw(b"HTTP/1.1 200 OK")})
    private = RawHost("127.0.0.4", {})
    private.answers["/private"] = raw(b"HTTP/1.1 301 Moved", b"Location: %s/landing" % other.base.encode())
    hostile = RawHost(
        "127.0.0.2",
        {
            "/ok": raw(b"HTTP/1.1 200 OK"),
            "/reason": raw(b"HTTP/1.1 404 \xff\xfe\xc0"),
            "/esc": raw(b"HTTP/1.1 404 Gone\x1b]0;owned\x07\x1b[31m"),
            "/loc-esc": raw(b"HTTP/1.1 301 Moved", b"Location: " + other.base.encode() + b"/x\x1b[2J\xff"),
            "/loc-cred": raw(
                b"HTTP/1.1 301 Moved", b"Location: http://bob:hunter2@%s/x" % other.base[7:].encode()
            ),
            "/cut": b"HTTP/1.1 200 OK\r\nContent-Le",
            "/not-http": b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
        },
    )
    servers = (hostile, other, private)
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield hostile, other, private
    for server in servers:
        server.shutdown()
        server.server_close()


LINKS = [  # (name, path on the hostile host, or a whole URL)
    ("reason not UTF-8", "/reason"),
    ("escapes in the reason", "/esc"),
    ("escapes in the Location", "/loc-esc"),
    ("credentials", "{private}/private"),
    ("credentials in the Location", "/loc-cred"),
    ("cut short", "/cut"),
    ("not HTTP", "/not-http"),
    ("trickling", "/trickle"),
    ("fine", "/ok"),
]
FIRST_LINE = 6


def url_of(path: str, hosts) -> str:
    hostile, _, private = hosts
    if path.startswith("{private}"):
        return path.replace("{private}", f"http://alice:S3cret@{private.base[7:]}")
    return hostile.base + path


@pytest.fixture(scope="module")
def hostile_guide(hosts, tmp_path_factory):
    guide = Guide(tmp_path_factory.mktemp("hostile"))
    body = "".join(f"- [{name}]({url_of(path, hosts)})\n" for name, path in LINKS)
    guide.page("links.md", body, title="Links", slug="links", sortorder="0101", toc="true")
    guide.conffile = guide.settings(GUIDE_SEARCH=False)
    result = guide.build(conffile=guide.conffile, cache=guide.root / "cache")
    assert result.returncode == 0, result.stderr
    return guide


class Strict(io.TextIOWrapper):
    """A stream that encodes as a terminal does: UTF-8, strictly."""

    def __init__(self):
        super().__init__(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)

    def text(self) -> str:
        return self.buffer.getvalue().decode("utf-8")


def check(guide: Guide, cache: Path, *options: str, resolver=None, **settings) -> tuple[int, str, str]:
    """guide-linkcheck in this process, its report on strict UTF-8 streams."""
    values = {"GUIDE_LINKCHECK_TIMEOUT": TIMEOUT, "GUIDE_LINKCHECK_RETRIES": 0, **settings}
    argv = linkcheck_argv(guide, cache, *options, **values)
    out, err = Strict(), Strict()
    status = cli.run(argv, resolver=resolver or TestHosts(), out=out, err=err)
    return status, out.text(), err.text()


@pytest.fixture(scope="module")
def hostile_run(hostile_guide, hosts, tmp_path_factory):
    """One run over every hostile link, with --json; the first host's requests kept."""
    folder = tmp_path_factory.mktemp("hostile-run")
    report_json = folder / "links.json"
    _, other, private = hosts
    status, out, err = check(
        hostile_guide, folder / "cache", "--json", str(report_json), GUIDE_LINKCHECK_IGNORE=[]
    )
    lines = {
        name: next((line for line in out.splitlines() if line.startswith(f"  {FIRST_LINE + index}: ")), "")
        for index, (name, _) in enumerate(LINKS)
    }
    return {
        "status": status,
        "out": out,
        "err": err,
        "lines": lines,
        "json": report_json.read_bytes(),
        "cache": (folder / "cache" / CACHE_NAME).read_bytes(),
        "other": list(other.requests),
        "private": list(private.requests),
    }


def test_a_reason_that_is_not_utf8_is_reported_and_the_json_ends_whole(hostile_run):
    """1: `HTTP/1.1 404 \\xff\\xfe\\xc0` is a broken link like any other, in the text report
    and in the JSON, which is valid UTF-8 and whole."""
    assert hostile_run["status"] == 1 and "Traceback" not in hostile_run["err"]
    assert hostile_run["lines"]["reason not UTF-8"].startswith(
        f"  {FIRST_LINE}: broken (404 \ufffd\ufffd\ufffd):"
    )
    data = json.loads(hostile_run["json"].decode("utf-8"))  # strict: valid UTF-8, and whole
    details = [finding["detail"] for file in data["files"] for finding in file["findings"]]
    assert "404 \ufffd\ufffd\ufffd" in details
    assert data["summary"]["urls"] == len(LINKS) and data["exit_status"] == 1
    assert hostile_run["out"].splitlines()[-1].startswith("linkcheck: 9 URLs in 9 links")


def test_what_a_host_sends_reaches_the_terminal_as_text(hostile_run, hosts):
    """2: ESC and BEL in a reason phrase or a Location are shown as escapes, never sent."""
    everything = hostile_run["out"] + hostile_run["err"] + hostile_run["json"].decode("utf-8")
    assert not any(char in everything for char in "\x1b\x07\x00")
    assert hostile_run["lines"]["escapes in the reason"] == (
        f'  {FIRST_LINE + 1}: broken (404 Gone\\x1b]0;owned\\x07\\x1b[31m): "escapes in the reason" '
        + url_of("/esc", hosts)
    )
    # followed, to a page the other host does not have, and shown as text
    assert hostile_run["lines"]["escapes in the Location"].startswith(
        f"  {FIRST_LINE + 2}: broken (404 Not Found at {hosts[1].base}/x\\x1b[2J\ufffd):"
    )


def test_credentials_are_never_printed_kept_or_sent_to_another_host(hostile_run, hosts):
    """3: a URL's password is shown as `user:***@` in the report, the JSON and the cache;
    the host it names gets it (aiohttp sends it as Basic auth), the host a redirect leads
    to does not; a password in a Location is hidden too."""
    _, other, private = hosts
    shown = (
        hostile_run["out"],
        hostile_run["err"],
        hostile_run["json"].decode(),
        hostile_run["cache"].decode(),
    )
    for text in shown:
        assert "S3cret" not in text and "hunter2" not in text
    hidden = f"http://alice:***@{private.base[7:]}/private"
    assert hostile_run["lines"]["credentials"] == (
        f'  {FIRST_LINE + 3}: moved (301 to {other.base}/landing): "credentials" {hidden}'
    )
    assert hidden in hostile_run["json"].decode() and hidden in hostile_run["cache"].decode()
    assert (
        f"(301 to http://bob:***@{other.base[7:]}/x)" in hostile_run["lines"]["credentials in the Location"]
    )
    asked = b"".join(hostile_run["private"])
    assert b"Authorization: Basic " + base64.b64encode(b"alice:S3cret") in asked  # its own host
    landing = [request for request in hostile_run["other"] if request.split(b" ")[1] == b"/landing"]
    assert landing and not any(b"Authorization" in request or b"alice" in request for request in landing)


def test_an_error_is_told_in_words_with_the_limit_that_fired(hostile_run):
    """7: no aiohttp object's repr in a detail; a host that keeps sending, too slowly, is
    reported with the limit on a whole request (twice the timeout), not the timeout."""
    assert "<" not in hostile_run["out"] and "RawResponseMessage" not in hostile_run["out"]
    assert hostile_run["lines"]["cut short"].startswith(
        f"  {FIRST_LINE + 5}: broken (connection failed: "
        "the host closed the connection before its answer was whole)"
    )
    assert hostile_run["lines"]["not HTTP"].startswith(
        f"  {FIRST_LINE + 6}: broken (connection failed: the answer is not valid HTTP: Bad status line)"
    )
    assert hostile_run["lines"]["trickling"].startswith(
        f"  {FIRST_LINE + 7}: timed out (no whole answer in {2 * TIMEOUT:g} s "
        "(twice GUIDE_LINKCHECK_TIMEOUT, for one request))"
    )
    assert hostile_run["lines"]["fine"] == ""  # not listed: it is fine


# The cache, and the site, under the checker --------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000  # valid JSON, deeper than Python's parser recurses


@pytest.mark.parametrize("line", ["[]", "1", "null", '"text"', '{"url": 5, "at": 1}', DEEP], ids=str.__len__)
def test_a_cache_line_that_is_no_entry_is_one_warning_and_the_rest_is_used(
    hostile_guide, hosts, tmp_path, line
):
    """4: JSON that is not an entry (or too deep to read) is one warning; the entry after
    it still spares its URL a request."""
    hostile = hosts[0]
    url = hostile.base + "/ok"
    cache = fresh_cache(hostile_guide, tmp_path / "cache")
    entry = json.dumps({"url": url, "at": time.time(), "ok": True})
    (cache / CACHE_NAME).write_text(f"{line}\n{entry}\n")
    asked = len(hostile.requests)
    status, out, err = check(hostile_guide, cache, GUIDE_LINKCHECK_IGNORE=only(url))
    assert status == 0 and "Traceback" not in err
    assert err.splitlines() == [
        f"warning: {cache / CACHE_NAME}: 1 line of the link cache (line 1) holds no answer the link "
        "checker wrote; skipped, and the rest is used"
    ]
    assert ": 1 ok (1 from the cache)" in out and len(hostile.requests) == asked


def test_a_site_swapped_in_while_its_links_are_read_is_a_warning_naming_the_page(
    hostile_guide, hosts, tmp_path, monkeypatch
):
    """5: a build swaps in a new site (as `make regenerate` beside `make linkcheck` does)
    after the checker listed the old one: the pages gone are named in one warning, the
    rest is checked."""
    guide = Guide(tmp_path / "guide")
    url = hosts[0].base + "/ok"
    for number, letter in enumerate("abc", start=1):
        guide.page(
            f"{letter}.md", f"[fine]({url})\n", title=letter.upper(), slug=letter, sortorder=f"010{number}"
        )
    guide.conffile = guide.settings(GUIDE_SEARCH=False)
    assert guide.build(conffile=guide.conffile, cache=guide.root / "cache").returncode == 0
    new_site = tmp_path / ".output.staging-test"
    shutil.copytree(guide.output, new_site)
    for name in ("b.html", "c.html"):
        (new_site / name).unlink()
    (new_site / STAGING_MARK).touch()
    read = links.page_links

    def swapped_after_the_first(html, own):
        if new_site.exists():
            swap(str(new_site), str(guide.output))  # the old site is gone, the new one in place
        return read(html, own)

    monkeypatch.setattr(links, "page_links", swapped_after_the_first)
    status, out, err = check(guide, tmp_path / "cache", GUIDE_LINKCHECK_IGNORE=only(url))
    assert status == 0 and "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith(("warning", "error"))] == [
        f"warning: {guide.output / 'b.html'} and 1 other page went away while the site's links were "
        f"read (a build replaced {guide.output} meanwhile); their links are not checked: run the check again"
    ]
    assert out.splitlines()[-1].startswith("linkcheck: 1 URLs in 1 links")  # a.html's link, checked


# Pages read for their ids ----------------------------------------------------------------


class PageHost(QuietServer):
    """Pages by path, as HTML; GET and HEAD."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, pages: dict[str, bytes]):
        super().__init__(("127.0.0.1", 0), PageHandler)
        self.pages = pages
        self.asked: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class PageHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self.server.asked.append(self.path)
        body = self.server.pages[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)


def serving(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def page_guide(root: Path, urls: list[str]) -> Guide:
    guide = Guide(root)
    body = "".join(f"- [page {number}]({url})\n" for number, url in enumerate(urls))
    guide.page("pages.md", body, title="Pages", slug="pages", sortorder="0101", toc="true")
    guide.conffile = guide.settings(GUIDE_SEARCH=False)
    assert guide.build(conffile=guide.conffile, cache=guide.root / "cache").returncode == 0
    return guide


def test_the_loop_runs_while_a_page_is_parsed_and_parsing_is_off_the_clock(tmp_path, monkeypatch):
    """6: parsing runs beside the event loop. The first piece of a page is held in the
    parser until the loop has run a callback: a loop that waits for the parse (parsing on
    it, or waiting for a thread) never does, and the test fails rather than hang. The piece
    is then held past the limit on a whole request: parsing is not the host's time, so the
    page is still fine."""
    host = serving(PageHost({"/page": b'<!doctype html><p id="here">x</p>', "/other": b"<p>fine"}))
    create, feed = pageids.IdFinder.__init__, pageids.IdFinder.feed
    ran: list[bool] = []

    def made_on_the_loop(self, *args):
        self.loop = asyncio.get_running_loop()  # the finder is made by the coroutine reading the page
        create(self, *args)

    def held_feed(self, piece):
        if not ran:
            alive = threading.Event()
            self.loop.call_soon_threadsafe(alive.set)
            ran.append(alive.wait(30))
            time.sleep(2 * TIMEOUT + 0.5)
        return feed(self, piece)

    monkeypatch.setattr(pageids.IdFinder, "__init__", made_on_the_loop)
    monkeypatch.setattr(pageids.IdFinder, "feed", held_feed)
    try:
        guide = page_guide(tmp_path / "guide", [f"{host.base}/page#here", f"{host.base}/other"])
        status, out, err = check(guide, tmp_path / "cache", GUIDE_LINKCHECK_IGNORE=[])
    finally:
        host.shutdown()
        host.server_close()
    assert ran == [True], "the event loop did not run while the page was parsed"
    assert status == 0 and ": 2 ok (0 from the cache)" in out and "0 anchor missing" in out, out + err


PAGE_BYTES = 8_000_000
PAGES = 32


def big_page() -> bytes:
    """8 MB of HTML, the id its links name at the very end."""
    paragraph = b"<p>" + b"Some words of a long page. " * 4 + b'<a href="/elsewhere">a link</a></p>\n'
    head = b"<!doctype html><html><head><title>Big</title></head><body>\n"
    tail = b'<h2 id="end">The end</h2></body></html>\n'
    return head + paragraph * ((PAGE_BYTES - len(head) - len(tail)) // len(paragraph)) + tail


def test_32_pages_of_8_mb_cost_little_memory_and_time_out_never(tmp_path):
    """6: 32 links with fragments to 8 MB pages of 100,000 elements each, all asked at once
    (the default parallelism), by the real command: each page is parsed as it arrives, a
    few at a time, keeping only the ids asked for, so the command's peak memory stays
    under the 300 MB the manual promises (about 120 MB on a quiet machine, up to 230 MB
    under load, where more parser threads hold memory at once; the pages alone are 256 MB,
    and read whole and parsed into trees, as before, they took 1.2 GB with denser pages);
    parsing is off the clock, so none times out."""
    page = big_page()
    host = serving(PageHost({f"/big/{number}": page for number in range(PAGES)}))
    try:
        guide = page_guide(tmp_path / "guide", [f"{host.base}/big/{number}#end" for number in range(PAGES)])
        settings = {"GUIDE_LINKCHECK_IGNORE": [], "GUIDE_LINKCHECK_PER_HOST": PAGES}
        command = [str(GUIDE_LINKCHECK), *linkcheck_argv(guide, tmp_path / "cache", **settings)]
        with open(tmp_path / "out", "w+") as out:
            process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            printed = out.read()
    finally:
        host.shutdown()
        host.server_close()
    peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
    assert process.returncode == 0, printed
    assert f": {PAGES} ok (0 from the cache), 0 broken, 0 moved, 0 timed out" in printed
    assert "0 anchor missing" in printed and len(host.asked) == PAGES
    assert peak_mb < 300, f"peak RSS {peak_mb:.0f} MB"


def test_an_id_past_what_was_read_is_missing_with_the_reason(tmp_path):
    """6: a page is read for its ids up to MAX_BODY (8 MB); an id past that is reported
    missing with the reason, not as though the whole page had been read."""
    page = b"<!doctype html><p>" + b"x" * (9 * 1024 * 1024) + b'</p><h2 id="end">End</h2>'
    host = serving(PageHost({"/long": page}))
    try:
        guide = page_guide(tmp_path / "guide", [f"{host.base}/long#end"])
        status, out, _ = check(
            guide, tmp_path / "cache", GUIDE_LINKCHECK_IGNORE=[], GUIDE_LINKCHECK_TIMEOUT=10
        )
    finally:
        host.shutdown()
        host.server_close()
    assert status == 0  # a warning
    missing = 'anchor missing (no id "end" on the page (only its first 8 MB were read))'
    assert f'  6: {missing}: "page 0" {host.base}/long#end' in out.splitlines()
