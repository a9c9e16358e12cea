"""`make linkcheck`: a small guide whose links all point at one local server on 127.0.0.1,
which plays every answer a real site gives (moved, gone, flaky, slow, throttled, looping).
Each answer's classification, its line in the report and the exit status are asserted on
the report an author reads. Nothing leaves the loopback: host names ending in .test are
answered by the tests' own resolver."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from importlib.metadata import version
from pathlib import Path

import pytest
from aiohttp.abc import AbstractResolver
from conftest import REPO, Guide, run_build, run_make
from pelican.plugins.guide.linkcheck import cli
from pelican.plugins.guide.linkcheck.cache import NAME as CACHE_NAME
from pelican.plugins.guide.linkcheck.checker import Outcome
from pelican.plugins.guide.linkcheck.report import Progress
from tools import QuietServer

GUIDE_LINKCHECK = Path(sys.executable).parent / "guide-linkcheck"
PAGE = "pages/links.md"
SLOW = 5.0  # seconds the slow page takes, well past the runs' timeout
# Fast and still real: one retry, short waits; 429s ask for 1 s. The timeout leaves room
# for a machine busy with other builds.
FAST = {
    "GUIDE_LINKCHECK_TIMEOUT": 1.5,
    "GUIDE_LINKCHECK_RETRIES": 1,
    "GUIDE_LINKCHECK_RETRY_WAIT": 0.1,
}


class Site(QuietServer):
    daemon_threads = True
    block_on_close = False  # a slow answer still sleeping never holds up the end

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.asked: Counter = Counter()  # (method, path)
        self.in_flight: Counter = Counter()  # by Host header
        self.in_flight_all = 0
        self.most: Counter = Counter()
        self.most_all = 0
        self.asked_at: dict[str, list[float]] = {}
        self.agents: set[str] = set()
        # /gate/: every request held until `gate_at` of them are in flight at once, then all
        # answered; counted apart from the others, whose handlers may still be sleeping.
        self.gate = threading.Event()
        self.gate_at = 0
        self.gated: Counter = Counter()  # by Host header
        self.gated_most: Counter = Counter()
        self.gated_most_all = 0
        # /held/: the first `free` answered, the rest held until `release` is set.
        self.release = threading.Event()
        self.free = 0
        self.held_seen = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def reset(self) -> None:
        with self.lock:
            self.asked.clear()
            self.most.clear()
            self.most_all = 0
            self.asked_at.clear()
            self.agents.clear()
            self.gate.clear()
            self.gated_most.clear()
            self.gated_most_all = 0
            self.release.clear()
            self.held_seen = 0

    def times(self, path: str) -> int:
        return sum(count for (_, asked), count in self.asked.items() if asked == path)


ANCHORED = (
    b'<!doctype html><title>t</title><h2 id="present">Here</h2><a name="named"></a>'
    b'<p id="user-content-readme">'
)
REDIRECTS = {
    "/chain1": (301, "/chain2"),
    "/chain2": (301, "/ok"),
    "/found": (302, "/ok"),
    "/temporary": (307, "/ok"),
    "/permanent": (308, "/ok"),
    "/loop1": (302, "/loop2"),
    "/loop2": (302, "/loop1"),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def answer(self, status: int, body: bytes = b"", **headers) -> None:
        self.finished_asking()  # before the answer goes: the client may ask again the moment it has it
        self.send_response(status)
        self.send_header("Content-Type", headers.pop("content_type", "text/html; charset=utf-8"))
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.route()

    def do_GET(self) -> None:
        self.route()

    def route(self) -> None:
        site: Site = self.server
        path = self.path.split("?")[0]
        host = self.headers.get("Host", "")
        with site.lock:
            site.asked[(self.command, path)] += 1
            times = site.times(path)
            site.asked_at.setdefault(path, []).append(time.monotonic())
            site.agents.add(self.headers.get("User-Agent", ""))
            site.in_flight[host] += 1
            site.in_flight_all += 1
            site.most[host] = max(site.most[host], site.in_flight[host])
            site.most_all = max(site.most_all, site.in_flight_all)
        self.counted = host
        try:
            self.respond(path, times)
        finally:
            self.finished_asking()

    def finished_asking(self) -> None:
        """This request no longer counts as one in flight (once, however it ends)."""
        host, self.counted = getattr(self, "counted", None), None
        if host is not None:
            with self.server.lock:
                self.server.in_flight[host] -= 1
                self.server.in_flight_all -= 1

    def respond(self, path: str, times: int) -> None:
        if path == "/ok":
            return self.answer(200, b"<!doctype html><title>fine</title>")
        if path in REDIRECTS:
            status, target = REDIRECTS[path]
            return self.answer(status, Location=target)
        if path in ("/gone404", "/guide/operating-systems.html"):
            return self.answer(404)
        if path == "/gone410":
            return self.answer(410)
        if path == "/flaky":  # 500, then fine
            return self.answer(500 if times == 1 else 200)
        if path == "/down":
            return self.answer(503)
        if path == "/busy":  # 429 asking for a second, then fine
            return self.answer(429, Retry_After="1") if times == 1 else self.answer(200)
        if path == "/throttled":
            return self.answer(429, Retry_After="1")
        if path == "/patient":
            return self.answer(429, Retry_After="3600")
        if path == "/api":  # GitHub's API: a 403 saying no requests remain until the reset
            if times == 1:
                return self.answer(
                    403, X_RateLimit_Remaining="0", X_RateLimit_Reset=str(int(time.time()) + 2)
                )
            return self.answer(200)
        if path == "/nohead":
            return self.answer(405 if self.command == "HEAD" else 200)
        if path == "/slow":
            time.sleep(SLOW)
            return self.answer(200)
        if path == "/anchors":
            return self.answer(200, ANCHORED)
        if path.startswith("/pause/"):  # each takes a while, so requests overlap
            time.sleep(0.25)
            return self.answer(200)
        if path.startswith("/gate/"):  # what load cannot change: how many the client sends at once
            site: Site = self.server
            host = self.headers.get("Host", "")
            with site.lock:
                site.gated[host] += 1
                site.gated_most[host] = max(site.gated_most[host], site.gated[host])
                site.gated_most_all = max(site.gated_most_all, site.gated.total())
                if site.gated.total() >= site.gate_at:
                    site.gate.set()
            site.gate.wait(30)
            with site.lock:  # before the answer goes: the client may ask again the moment it has it
                site.gated[host] -= 1
            return self.answer(200)
        if path.startswith("/held/"):
            site = self.server
            with site.lock:
                site.held_seen += 1
                free = site.held_seen <= site.free
            if not free:
                site.release.wait(60)
            return self.answer(200)
        return self.answer(404)


@pytest.fixture(scope="module")
def site():
    server = Site()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class TestHosts(AbstractResolver):
    """Names ending in .test are this machine; any other name does not exist (no DNS
    query leaves it)."""

    async def resolve(self, host, port=0, family=socket.AF_INET):
        if host.endswith(".test") and host != "nowhere.test":
            return [
                {
                    "hostname": host,
                    "host": "127.0.0.1",
                    "port": port,
                    "family": socket.AF_INET,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            ]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    async def close(self) -> None:
        pass


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Each case: a link on its own line of the page, and what the report must say of it.
# (name, path, kind, words in the detail, exit status, exit status in strict mode)
CASES = [
    ("ok", "/ok", "ok", "", 0, 0),
    ("chain of 301s", "/chain1", "moved", "301 to {base}/ok", 0, 1),
    ("302", "/found", "ok", "", 0, 0),
    ("307", "/temporary", "ok", "", 0, 0),
    ("308", "/permanent", "moved", "308 to {base}/ok", 0, 1),
    ("404", "/gone404", "broken", "404 Not Found", 1, 1),
    ("410", "/gone410", "broken", "410 Gone", 1, 1),
    ("500 then 200", "/flaky", "ok", "", 0, 0),
    ("503 every time", "/down", "broken", "503 Service Unavailable, 2 tries", 1, 1),
    ("429 then 200", "/busy", "ok", "", 0, 0),
    ("429 every time", "/throttled", "rate-limited", "429 Too Many Requests, 2 tries", 0, 1),
    (
        "429 for an hour",
        "/patient",
        "rate-limited",
        "429, asked to wait 3600 s, longer than GUIDE_LINKCHECK_MAX_RETRY_AFTER",
        0,
        1,
    ),
    ("HEAD 405, GET 200", "/nohead", "ok", "", 0, 0),
    ("slow", "/slow", "timed out", "no answer in 1.5 s, 2 tries", 0, 1),
    ("redirect loop", "/loop1", "broken", "redirect loop: {base}/loop1 → {base}/loop2 → {base}/loop1", 1, 1),
    ("fragment present", "/anchors#present", "ok", "", 0, 0),
    ("a name fragment", "/anchors#named", "ok", "", 0, 0),
    ("GitHub-style heading", "/anchors#readme", "ok", "", 0, 0),
    ("fragment absent", "/anchors#absent", "anchor missing", 'no id "absent" on the page', 0, 1),
    ("403 until the reset", "/api", "ok", "", 0, 0),
]
FIRST_LINE = 6  # four metadata lines, a blank line, then one link per line


@pytest.fixture(scope="module")
def links_site(site, tmp_path_factory):
    """The guide, built once while the server listens; the build itself asks it nothing."""
    guide = Guide(tmp_path_factory.mktemp("linkcheck"))
    body = "".join(f"- [{name}]({site.base}{path})\n" for name, path, *_ in CASES)
    body += (
        f"- [connection refused](http://127.0.0.1:{closed_port()}/)\n"
        f"- [no such host](http://nowhere.test/page)\n"
        f"- [TLS to a plain server]({site.base.replace('http:', 'https:')}/ok)\n"
        f"- [a page of the complete guide](/operating-systems.html)\n"
        f'- [by reference][ref] and <a href="{site.base}/raw-gone?a=1&amp;b=2">raw HTML</a>\n'
        f"\n[ref]: {site.base}/ref-gone\n"
    )
    guide.page("links.md", body, title="Links", slug="links", sortorder="0101", toc="true")
    conffile = guide.settings(
        GUIDE_MISSING_PAGES_BASE=f"{site.base}/guide",
        GUIDE_SOURCE_URL=f"{site.base}/edit/",
        GUIDE_SEARCH=False,
    )
    site.reset()
    result = guide.build(conffile=conffile, cache=guide.root / "cache")
    assert result.returncode == 0, result.stderr
    assert sum(site.asked.values()) == 0  # make html never asks another host
    guide.conffile = conffile
    return guide


@pytest.fixture
def quiet_logging():
    """The command sets up its own log lines; give pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def fresh_cache(guide: Guide, cache: Path) -> Path:
    """A cache folder of its own for a run, with the build's record of each page's source
    (what it left for the next build: lastbuild.py)."""
    cache.mkdir(parents=True, exist_ok=True)
    for record in (guide.root / "cache").glob("guide-build-*.pickle"):
        shutil.copy(record, cache)
    return cache


def linkcheck_argv(guide: Guide, cache: Path, *options: str, **settings) -> list[str]:
    """guide-linkcheck's arguments for `guide`, with a cache folder of its own, `options`
    and `settings` (as `-e` takes them)."""
    fresh_cache(guide, cache)
    return [
        str(guide.content),
        "-o",
        str(guide.output),
        "-s",
        str(guide.conffile),
        "--cache-path",
        str(cache),
        *options,
        "-e",
        *(f"{key}={json.dumps(value)}" for key, value in settings.items()),
    ]


def linkcheck(guide: Guide, cache: Path, *options: str, resolver=None, **settings) -> tuple[int, str, str]:
    """guide-linkcheck in this process (the tests' resolver answers .test names): its exit
    status, report and error lines."""
    argv = linkcheck_argv(guide, cache, *options, **{**FAST, **settings})
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(argv, resolver=resolver or TestHosts(), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def only(url: str) -> list[str]:
    """GUIDE_LINKCHECK_IGNORE that leaves one URL to check."""
    return [f"^(?!{re.escape(url)}$)"]


def report_line(report: str, line: int) -> str:
    return next((text for text in report.splitlines() if text.startswith(f"  {line}: ")), "")


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case[0] for case in CASES])
def test_each_answer_is_classified_on_its_line_with_its_exit_status(
    links_site, site, tmp_path, quiet_logging, index
):
    name, path, kind, detail, status, strict_status = CASES[index]
    url = site.base + path
    line = FIRST_LINE + index
    done, report, errors = linkcheck(links_site, tmp_path / "cache", GUIDE_LINKCHECK_IGNORE=only(url))
    assert done == status, report + errors
    found = report_line(report, line)
    summary = report.splitlines()[-1]
    if kind == "ok":
        assert found == "" and ": 1 ok (0 from the cache), 0 broken, 0 moved" in summary, report
    else:
        expected = f'  {line}: {kind} ({detail.format(base=site.base)}): "{name}" {url}'
        assert found == expected, report
        assert report.splitlines()[0].endswith(PAGE)
        assert f" 1 {kind}," in summary, summary
    if strict_status != status:
        done, _, errors = linkcheck(
            links_site,
            tmp_path / "strict-cache",
            "--strict",
            GUIDE_LINKCHECK_IGNORE=only(url),
            GUIDE_LINKCHECK_RETRIES=0,
        )
        assert done == strict_status
        assert "error: strict mode: 1 finding " in errors


def test_the_answers_behind_the_classifications(links_site, site, tmp_path, quiet_logging):
    """What the server saw: one retry after a 500, HEAD then GET on a 405, the wait a 429
    asked for, the wait until GitHub's API resets, GET for a page whose ids are needed."""
    site.reset()
    urls = [site.base + path for path in ("/flaky", "/nohead", "/busy", "/anchors", "/api")]
    status, report, _ = linkcheck(
        links_site,
        tmp_path / "cache",
        GUIDE_LINKCHECK_IGNORE=[f"^(?!({'|'.join(map(re.escape, urls))})(#|$))"],
    )
    assert status == 0, report  # /anchors#absent is a warning
    assert site.asked[("HEAD", "/flaky")] == 2
    assert site.asked[("HEAD", "/nohead")] == 1 and site.asked[("GET", "/nohead")] == 1
    first, second = site.asked_at["/busy"]
    assert second - first >= 0.95  # Retry-After: 1
    first, second = site.asked_at["/api"]
    assert second - first >= 0.95 and ": 5 ok " in report  # X-RateLimit-Reset: in 1 to 2 s
    assert (
        site.asked[("GET", "/anchors")] == 1 and site.asked[("HEAD", "/anchors")] == 0
    )  # once for 4 fragments


@pytest.mark.parametrize(
    "line, kind, detail",
    [
        (0, "broken", "cannot connect to 127.0.0.1:{port}: "),
        (1, "broken", "DNS lookup failed for nowhere.test: Name or service not known"),
        (2, "broken", "TLS error"),
    ],
    ids=["connection refused", "DNS failure", "TLS error"],
)
def test_connection_failures_are_broken(links_site, tmp_path, quiet_logging, line, kind, detail):
    source = (links_site.content / PAGE).read_text().splitlines()
    number = FIRST_LINE + len(CASES) + line
    url = re.search(r"\((\S+)\)", source[number - 1]).group(1)
    status, report, _ = linkcheck(links_site, tmp_path / "cache", GUIDE_LINKCHECK_IGNORE=only(url))
    assert status == 1
    found = report_line(report, number)
    port = url.rsplit(":", 1)[1].strip("/")
    assert found.startswith(f"  {number}: {kind} ({detail.format(port=port)}"), report
    assert found.endswith(url)


def test_one_run_reports_every_link_by_source_file_with_counts_json_and_progress(links_site, site, tmp_path):
    """The command as `make linkcheck` runs it, in a subprocess: its report grouped by
    source file, the summary line, --json, and the progress as lines when not on a terminal."""
    site.reset()
    report_json = tmp_path / "report.json"
    # No resolver of ours in a subprocess: nowhere.test is left out. All URLs are on one host.
    settings = {**FAST, "GUIDE_LINKCHECK_IGNORE": [r"nowhere\.test"], "GUIDE_LINKCHECK_PER_HOST": 16}
    command = [
        str(GUIDE_LINKCHECK),
        str(links_site.content),
        "-o",
        str(links_site.output),
        "-s",
        str(links_site.conffile),
        "--cache-path",
        str(fresh_cache(links_site, tmp_path / "cache")),
        "--json",
        str(report_json),
        "-e",
        *(f"{key}={json.dumps(value)}" for key, value in settings.items()),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=REPO)
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and lines, done.stdout + done.stderr
    page = str(links_site.content / PAGE)
    assert lines[0] == page
    extra = FIRST_LINE + len(CASES)
    # The link the build sent to the complete guide is checked like any other, on its line;
    # a reference link on its definition's line; raw HTML on its own.
    assert report_line(done.stdout, extra + 3) == (
        f'  {extra + 3}: broken (404 Not Found): "a page of the complete guide" '
        f"{site.base}/guide/operating-systems.html"
    )
    assert (
        report_line(done.stdout, extra + 6)
        == f'  {extra + 6}: broken (404 Not Found): "by reference" {site.base}/ref-gone'
    )
    assert (
        report_line(done.stdout, extra + 4)
        == f'  {extra + 4}: broken (404 Not Found): "raw HTML" {site.base}/raw-gone?a=1&b=2'
    )
    # The edit link comes from the theme (GUIDE_SOURCE_URL): under the theme, by the page it is on.
    theme = lines.index(next(line for line in lines if line.endswith("theme/templates")))
    assert (
        lines[theme + 1]
        == f'  on links.html: broken (404 Not Found): "Edit this page" {site.base}/edit/pages/links.md'
    )

    # 17 URLs in the 20 cases; refused, TLS, the complete guide, reference, raw, edit.
    assert lines[-1].startswith("linkcheck: 23 URLs in 26 links, ")
    assert lines[-1].endswith(
        ": 8 ok (0 from the cache), 10 broken, 2 moved, 1 timed out, 2 rate-limited, "
        "1 anchor missing, 1 ignored"
    )
    assert len([line for line in lines if line.startswith("  ")]) == 10 + 2 + 1 + 2 + 1  # one per finding
    progress = [line for line in done.stderr.splitlines() if line.startswith("linkcheck: ")]
    assert [line.split("%")[0] for line in progress] == [
        f"linkcheck: {tenth}" for tenth in range(10, 101, 10)
    ]
    assert progress[-1].startswith("linkcheck: 100% (23 of 23 URLs, 10 broken) in ")
    assert "error: 10 broken links" in done.stderr.splitlines()
    # A User-Agent naming the project (no address: the site's is an example domain).
    assert site.agents == {f"pelican-guide-linkcheck/{version('pelican-guide')}"}

    data = json.loads(report_json.read_text())
    assert data["exit_status"] == 1 and data["strict"] is False
    assert {
        key: data["summary"][key]
        for key in ("urls", "links", "ok", "broken", "moved", "anchor missing", "ignored")
    } == {
        "urls": 23,
        "links": 26,
        "ok": 8,
        "broken": 10,
        "moved": 2,
        "anchor missing": 1,
        "ignored": 1,
    }
    assert [entry["source"] for entry in data["files"]] == [page, lines[theme]]
    findings = {finding["line"]: finding for finding in data["files"][0]["findings"]}
    assert findings[FIRST_LINE + 5] == {
        "line": FIRST_LINE + 5,
        "where": None,
        "result": "broken",
        "detail": "404 Not Found",
        "text": "404",
        "url": f"{site.base}/gone404",
    }


# The cache ------------------------------------------------------------------------------


def cache_lines(cache: Path) -> list[dict]:
    return [json.loads(line) for line in (cache / CACHE_NAME).read_text().splitlines()]


def test_a_second_run_asks_only_what_was_not_ok_and_asks_again_after_the_expiry(
    links_site, site, tmp_path, quiet_logging
):
    cache = tmp_path / "cache"
    wanted = [site.base + path for path in ("/ok", "/found", "/gone404", "/chain1")]
    ignore = [f"^(?!({'|'.join(map(re.escape, wanted))})$)"]
    site.reset()
    first = linkcheck(links_site, cache, GUIDE_LINKCHECK_IGNORE=ignore)
    assert first[0] == 1 and ": 2 ok (0 from the cache), 1 broken, 1 moved" in first[1]
    assert site.asked[("HEAD", "/ok")] == 3  # /ok itself, and where /found and /chain1 lead
    assert {entry["url"]: entry["ok"] for entry in cache_lines(cache)} == {
        site.base + "/ok": True,
        site.base + "/found": True,
        site.base + "/gone404": False,
        site.base + "/chain1": False,
    }

    site.reset()
    second = linkcheck(links_site, cache, GUIDE_LINKCHECK_IGNORE=ignore)
    assert second[0] == 1 and ": 2 ok (2 from the cache), 1 broken, 1 moved" in second[1]
    assert site.asked[("HEAD", "/found")] == 0 and site.asked[("HEAD", "/ok")] == 1  # only via /chain1
    assert site.asked[("HEAD", "/gone404")] == 1 and site.asked[("HEAD", "/chain1")] == 1
    assert report_line(second[1], FIRST_LINE + 5) == report_line(first[1], FIRST_LINE + 5) != ""

    # A week and a day later, as the file says: every URL is asked again.
    aged = [{**entry, "at": entry["at"] - 8 * 86400} for entry in cache_lines(cache)]
    (cache / CACHE_NAME).write_text("".join(json.dumps(entry) + "\n" for entry in aged))
    site.reset()
    third = linkcheck(links_site, cache, GUIDE_LINKCHECK_IGNORE=ignore)
    assert ": 2 ok (0 from the cache)" in third[1]
    assert site.asked[("HEAD", "/found")] == 1 and site.asked[("HEAD", "/ok")] == 3
    # GUIDE_LINKCHECK_CACHE_DAYS = 0 asks every time.
    site.reset()
    linkcheck(links_site, cache, GUIDE_LINKCHECK_IGNORE=ignore, GUIDE_LINKCHECK_CACHE_DAYS=0)
    assert site.asked[("HEAD", "/found")] == 1


def test_a_new_fragment_on_a_cached_url_asks_again(links_site, site, tmp_path, quiet_logging):
    cache = tmp_path / "cache"
    present = f"^(?!{re.escape(site.base)}/anchors#present$)"
    linkcheck(links_site, cache, GUIDE_LINKCHECK_IGNORE=[present])
    site.reset()
    linkcheck(links_site, cache, GUIDE_LINKCHECK_IGNORE=[present])
    assert site.asked[("GET", "/anchors")] == 0
    _status, report, _ = linkcheck(
        links_site, cache, GUIDE_LINKCHECK_IGNORE=[f"^(?!{re.escape(site.base)}/anchors#(present|absent)$)"]
    )
    assert site.asked[("GET", "/anchors")] == 1 and "1 anchor missing" in report


def test_how_long_a_server_asks_to_wait():
    from email.utils import formatdate

    from pelican.plugins.guide.linkcheck.checker import retry_after

    now = 1_800_000_000
    assert retry_after({"Retry-After": "60"}, now) == 60
    assert retry_after({"Retry-After": formatdate(now + 90, usegmt=True)}, now) == 90
    assert retry_after({"Retry-After": formatdate(now - 90, usegmt=True)}, now) == 0
    assert retry_after({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(now + 30)}, now) == 30
    assert retry_after({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": str(now + 30)}, now) is None
    assert retry_after({"Retry-After": "soon"}, now) is None


def test_a_killed_run_loses_nothing_it_had_checked(site, tmp_path):
    """Killed (SIGKILL) midway through 16 URLs, asked one at a time: the server answers the
    first 3 and holds the rest, so the kill comes after exactly 3 answers however slow the
    machine is; the next run asks only the other 13."""
    guide = Guide(tmp_path / "guide")
    body = "".join(f"- [page {number}]({site.base}/held/{number})\n" for number in range(16))
    guide.page("held.md", body, title="Held", slug="held", sortorder="0101", toc="true")
    guide.conffile = guide.settings(GUIDE_SEARCH=False)
    assert guide.build(conffile=guide.conffile, cache=guide.root / "cache").returncode == 0
    cache = fresh_cache(guide, tmp_path / "linkcheck-cache")
    settings = {
        **FAST,
        "GUIDE_LINKCHECK_TIMEOUT": 60,
        "GUIDE_LINKCHECK_IGNORE": [],
        "GUIDE_LINKCHECK_PER_HOST": 1,
    }
    command = [
        str(GUIDE_LINKCHECK),
        str(guide.content),
        "-o",
        str(guide.output),
        "-s",
        str(guide.conffile),
        "--cache-path",
        str(cache),
        "-e",
        *(f"{key}={json.dumps(value)}" for key, value in settings.items()),
    ]
    site.reset()
    site.free = 3
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120  # a bound for a failure, not a timing
        while time.monotonic() < deadline and not (
            (cache / CACHE_NAME).exists() and len(cache_lines(cache)) >= 3
        ):
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=10)
    kept = {entry["url"] for entry in cache_lines(cache)}
    assert len(kept) == 3 and all(entry["ok"] for entry in cache_lines(cache))
    site.reset()
    site.release.set()
    command[-1] = "GUIDE_LINKCHECK_PER_HOST=16"  # the rest at once
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert ": 16 ok (3 from the cache)" in done.stdout
    asked_again = {f"{site.base}{path}" for (_, path) in site.asked}
    assert not asked_again & kept and len(asked_again) == 13


def test_the_answers_file_is_rewritten_whole_when_stale_lines_outnumber_the_live_ones(tmp_path):
    from pelican.plugins.guide.linkcheck.cache import LinkCache

    cache = LinkCache(str(tmp_path), days=7)
    for round_ in range(1200):
        cache.record(f"https://example.org/{round_ % 3}", ok=round_ % 2 == 0)
    cache.close()
    assert len(cache_lines(tmp_path)) == 3  # the last answer for each URL, nothing else
    again = LinkCache(str(tmp_path), days=7)
    assert again.fresh("https://example.org/1", set()) and not again.fresh("https://example.org/0", set())
    assert not list(tmp_path.glob(".guide-*"))  # no temporary file left behind


@pytest.mark.parametrize("damage", ["not UTF-8", "a folder", "a line cut short"])
def test_a_damaged_cache_is_one_warning_and_a_fresh_check(links_site, site, tmp_path, quiet_logging, damage):
    cache = fresh_cache(links_site, tmp_path / "cache")
    path = cache / CACHE_NAME
    if damage == "not UTF-8":
        path.write_bytes(b"\xff\xfe{not json")
    elif damage == "a folder":
        path.mkdir()
    else:  # what a run killed midway through a line leaves: the whole lines still count
        path.write_text(
            json.dumps({"url": site.base + "/ok", "at": time.time(), "ok": True})
            + '\n{"url": "http://127.0.0.1:1/x", "at'
        )
    site.reset()
    status, report, errors = linkcheck(links_site, cache, GUIDE_LINKCHECK_IGNORE=only(site.base + "/ok"))
    assert status == 0 and "Traceback" not in errors
    warnings = [line for line in errors.splitlines() if line.startswith("warning: ")]
    if damage == "a line cut short":
        assert warnings == [] and ": 1 ok (1 from the cache)" in report
    else:
        assert len(warnings) == (1 if damage == "not UTF-8" else 2), errors  # a folder: not read, not written
        assert warnings[0].startswith(f"warning: {path}: the link cache could not be read")
        assert warnings[0].endswith("every URL is asked afresh")
        assert ": 1 ok (0 from the cache)" in report and site.asked[("HEAD", "/ok")] == 1


# Politeness, patterns, settings ----------------------------------------------------------


@pytest.mark.parametrize(("parallel", "per_host"), [(16, {"a": 2, "b": 2, "c": 2, "d": 2}), (6, None)])
def test_at_most_two_requests_per_host_and_the_overall_limit(
    tmp_path, site, quiet_logging, parallel, per_host
):
    """Four host names (all this machine, by the tests' resolver), six URLs each. The server
    holds every request until as many are in flight as the limits allow (8 at two per host;
    the overall limit of 6), then answers: the most at once is the limit, however slow the
    machine, and one more than it would show."""
    guide = Guide(tmp_path / "guide")
    port = site.server_address[1]
    body = "".join(
        f"- [{host} {number}](http://{host}.test:{port}/gate/{host}{number})\n"
        for host in "abcd"
        for number in range(6)
    )
    body += f"- [again](http://a.test:{port}/gate/a0#top) and [again](http://a.test:{port}/gate/a0)\n"
    guide.page("hosts.md", body, title="Hosts", slug="hosts", sortorder="0101", toc="true")
    guide.conffile = guide.settings(GUIDE_SEARCH=False)
    assert guide.build(conffile=guide.conffile, cache=guide.root / "cache").returncode == 0
    site.reset()
    site.gate_at = min(parallel, 8)
    status, report, _ = linkcheck(
        guide,
        tmp_path / "cache",
        GUIDE_LINKCHECK_IGNORE=[],
        GUIDE_LINKCHECK_PARALLEL=parallel,
        GUIDE_LINKCHECK_TIMEOUT=60,
    )
    assert status == 0 and "linkcheck: 24 URLs in 26 links" in report and ": 24 ok " in report
    most = {host.split(".")[0]: count for host, count in site.gated_most.items()}
    assert max(most.values()) == 2
    if per_host:
        assert most == per_host
    assert site.gated_most_all == min(parallel, 8)
    assert sum(site.asked.values()) == 24  # each URL once, however many links


def test_ignore_and_accept_patterns(links_site, site, tmp_path, quiet_logging):
    gone = site.base + "/gone404"
    site.reset()
    status, report, _ = linkcheck(
        links_site, tmp_path / "a", GUIDE_LINKCHECK_IGNORE=[f"^(?!{re.escape(gone)}$)", "/gone404$"]
    )
    assert (
        status == 0
        and site.asked[("HEAD", "/gone404")] == 0
        and report.endswith("0 anchor missing, 24 ignored\n")
    )
    status, report, _ = linkcheck(
        links_site,
        tmp_path / "b",
        GUIDE_LINKCHECK_IGNORE=only(gone),
        GUIDE_LINKCHECK_ACCEPT={r"127\.0\.0\.\d+": [404]},
    )
    assert status == 0 and ": 1 ok (0 from the cache), 0 broken" in report
    status, report, _ = linkcheck(
        links_site,
        tmp_path / "c",
        GUIDE_LINKCHECK_IGNORE=only(gone),
        GUIDE_LINKCHECK_ACCEPT={r"example\.org": [404]},
    )
    assert status == 1 and report_line(report, FIRST_LINE + 5).startswith(
        f"  {FIRST_LINE + 5}: broken (404 Not Found)"
    )


def test_links_to_this_machine_and_example_domains_are_ignored_by_default(
    links_site, site, tmp_path, quiet_logging
):
    site.reset()
    _status, report, _ = linkcheck(links_site, tmp_path / "cache")  # GUIDE_LINKCHECK_IGNORE left as it is
    assert sum(site.asked.values()) == 0
    assert report.splitlines()[-1].startswith(
        "linkcheck: 1 URLs in 1 links"
    )  # nowhere.test: its lookup fails
    assert report.endswith(", 23 ignored\n")


@pytest.mark.parametrize(
    "setting, value, message",
    [
        ("GUIDE_LINKCHECK_TIMEOUT", -1, "GUIDE_LINKCHECK_TIMEOUT -1 must be a number from 0.01 (seconds)"),
        ("GUIDE_LINKCHECK_PER_HOST", 0, "GUIDE_LINKCHECK_PER_HOST 0 must be a whole number from 1"),
        (
            "GUIDE_LINKCHECK_IGNORE",
            ["(unclosed"],
            "GUIDE_LINKCHECK_IGNORE '(unclosed' is not a regular expression: "
            "missing ), unterminated subpattern at position 0",
        ),
        (
            "GUIDE_LINKCHECK_ACCEPT",
            {"github": "403"},
            "GUIDE_LINKCHECK_ACCEPT['github'] '403' must be a list of HTTP status codes, like (403, 429)",
        ),
        (
            "GUIDE_LINKCHECK_CACHE_DAYS",
            "7",
            "GUIDE_LINKCHECK_CACHE_DAYS '7' must be a number from 0 (days; 0 asks every time)",
        ),
        ("GUIDE_LINKCHECK_ANCHORS", "no", "GUIDE_LINKCHECK_ANCHORS 'no' must be True or False"),
        (
            "GUIDE_LINKCHECK_TIMEOUTS",
            3,
            "GUIDE_LINKCHECK_TIMEOUTS is not a setting of the guide plugin; "
            "did you mean GUIDE_LINKCHECK_TIMEOUT?",
        ),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(links_site, tmp_path, quiet_logging, setting, value, message):
    status, report, errors = linkcheck(links_site, tmp_path / "cache", **{setting: value})
    assert status == 1 and report == ""
    assert errors.splitlines() == [f"error: {links_site.conffile}: {message}"]


def test_a_wrong_linkcheck_setting_stops_the_build_too(links_site, tmp_path):
    """Checked once with every GUIDE_* setting: `make html` names it before reading a page."""
    result = run_build(
        links_site.content,
        tmp_path / "output",
        conffile=links_site.conffile,
        settings={"GUIDE_LINKCHECK_RETRIES": "-1"},
    )
    assert result.returncode == 1
    assert result.error_lines == [
        f"error: {links_site.conffile}: GUIDE_LINKCHECK_RETRIES -1 must be a whole number from 0; "
        f"{tmp_path / 'output'} was left as it was"
    ]
    assert not (tmp_path / "output").exists()


# How it is run ----------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_tenths_elsewhere():
    terminal = Terminal()
    bar = Progress(40, terminal)
    for _ in range(40):
        bar.advance(Outcome("broken"))
    bar.close()
    drawn = terminal.getvalue()
    assert "linkcheck" in drawn and "40/40" in drawn and "40 broken" in drawn and "━" in drawn
    pipe = io.StringIO()
    lines = Progress(3, pipe)
    for _ in range(3):
        lines.advance(Outcome("ok"))
    tenths = [line.split(" (")[0] for line in pipe.getvalue().splitlines()]
    assert tenths == [f"linkcheck: {tenth}%" for tenth in range(10, 101, 10)]  # 3 URLs: some tenths share one


def test_make_linkcheck_builds_then_checks_and_writes_json(site, tmp_path):
    guide = Guide(tmp_path / "guide")
    guide.page(
        "a.md",
        f"Text.\n\nSee [the gone page]({site.base}/gone404).\n",
        title="A",
        slug="a",
        sortorder="0101",
        toc="true",
    )
    conffile = guide.settings(GUIDE_SEARCH=False, GUIDE_LINKCHECK_IGNORE=[], GUIDE_LINKCHECK_TIMEOUT=2)
    report_json = tmp_path / "links.json"
    done = run_make(
        "linkcheck",
        INPUTDIR=str(guide.content),
        OUTPUTDIR=str(guide.output),
        CONFFILE=str(conffile),
        PELICANOPTS=f"--cache-path {tmp_path / 'cache'}",
        JSON=str(report_json),
    )
    assert done.returncode != 0
    assert any(line.startswith("guide: 1 page") for line in done.stdout.splitlines())  # the build first
    assert f'  8: broken (404 Not Found): "the gone page" {site.base}/gone404' in done.stdout.splitlines()
    assert json.loads(report_json.read_text())["summary"]["broken"] == 1
    dry = subprocess.run(
        ["make", "-n", "html", "publish"], cwd=REPO, capture_output=True, text=True
    )  # never part of a build
    assert "guide-build" in dry.stdout and "guide-linkcheck" not in dry.stdout
