"""The author's loop: `make devserver`, `make regenerate` and `make serve`."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import CONFFILE, REPO, run_build
from pelican.plugins.guide.devserver import LIVERELOAD_SNIPPET
from pelican.plugins.guide.theme import sha256_base64
from perf.devserver_latency import ReloadListener, fetch, free_port, start_devserver, wait_for

_CSP = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]*)"')
_SCRIPT = re.compile(r'<script type="text/javascript">(.*?)</script>', re.DOTALL)
DEVSERVER = Path(sys.executable).parent / "guide-devserver"


def test_devserver_rebuilds_a_saved_page_and_tells_the_browser(guide):
    page = guide.page("05/servers.md", "First text.\n", title="Servers", slug="servers", sortorder="0502")
    guide.page("05/other.md", title="Other", slug="other", sortorder="0503")
    port = free_port()
    with open(guide.root / "devserver.log", "w") as log:
        process = start_devserver(guide.content, guide.output, port, log)
    try:
        url = f"http://127.0.0.1:{port}/servers.html"
        html = wait_for(lambda: fetch(url), timeout=60, step=0.1)
        assert "First text." in html
        # livereload injects its snippet; the devserver's builds, only they, allow exactly it.
        script = _SCRIPT.search(html).group(1)
        assert script == LIVERELOAD_SNIPPET
        policy = _CSP.search(html).group(1).replace("&#39;", "'")
        assert f"'sha256-{sha256_base64(script)}'" in _directive(policy, "script-src")

        listener = ReloadListener(port)
        page.write_text(page.read_text().replace("First text.", "Second text."), encoding="utf-8")
        assert listener.next_reload(timeout=60)["command"] == "reload"
        listener.close()
        assert "Second text." in fetch(url)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/missing.html", timeout=5)
            raise AssertionError("a missing page was served")
        except urllib.error.HTTPError as error:
            assert error.code == 404 and b"Page not found" in error.read()
    finally:
        process.terminate()
        process.wait(timeout=30)
    log_text = (guide.root / "devserver.log").read_text()
    assert f"devserver: serving {guide.output} on http://127.0.0.1:{port}/" in log_text
    assert "devserver: rebuilt after servers.md" in log_text


def test_a_busy_port_fails_at_once_with_one_line(guide):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                str(DEVSERVER),
                str(guide.content),
                "-o",
                str(guide.output),
                "-s",
                str(CONFFILE),
                "-p",
                str(port),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert (
        done.stderr
        == f"error: cannot listen on 127.0.0.1:{port}: Address already in use; choose another with PORT=...\n"
    )
    assert "serving" not in done.stdout and not guide.output.exists()


def test_serve_answers_a_missing_page_with_the_404_page_and_status(guide):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    assert guide.build().returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [
            str(DEVSERVER),
            "--no-build",
            str(guide.content),
            "-o",
            str(guide.output),
            "-s",
            str(CONFFILE),
            "-p",
            str(port),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert "<h1>A</h1>" in wait_for(lambda: fetch(f"http://127.0.0.1:{port}/a.html"), timeout=30)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nope.html", timeout=5)
            raise AssertionError("a missing page was served")
        except urllib.error.HTTPError as error:
            assert error.code == 404
            assert error.read() == (guide.output / "404.html").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_regenerate_reports_a_broken_save_once(guide):
    page = guide.page("a.md", title="A", slug="a", sortorder="0101")
    log_path = guide.root / "regenerate.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                str(DEVSERVER),
                "--no-serve",
                str(guide.content),
                "-o",
                str(guide.output),
                "-s",
                str(CONFFILE),
                "--cache-path",
                str(guide.root / ".cache"),
            ],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "regenerating" in log_path.read_text(), timeout=60)
        time.sleep(0.3)
        page.write_text(page.read_text().replace("sortorder: 0101", "sortorder: 01x1"))
        wait_for(lambda: "01x1" in log_path.read_text(), timeout=60)
        time.sleep(2)  # a watcher that retried at once would have printed it many times by now
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert log_path.read_text().count('sortorder "01x1" must be digits only') == 1
    assert (
        LIVERELOAD_SNIPPET not in (guide.output / "a.html").read_text()
    )  # regenerate builds as make html does


def test_editor_temp_files_neither_start_a_rebuild_nor_are_named(guide):
    page = guide.page("a.md", title="A", slug="a", sortorder="0101")
    log_path = guide.root / "regenerate.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                str(DEVSERVER),
                "--no-serve",
                str(guide.content),
                "-o",
                str(guide.output),
                "-s",
                str(CONFFILE),
                "--cache-path",
                str(guide.root / ".cache"),
            ],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "regenerating" in log_path.read_text(), timeout=60)
        time.sleep(0.3)
        # What editors and tools write beside a file they save, then delete or rename.
        temporary = [
            "4913",
            "sedAb12Cd",
            ".a.md.swp",
            "a.md~",
            "#a.md#",
            ".#a.md",
            "a.md.tmp",
            ".goutputstream-XYZ123",
        ]
        for name in temporary:
            (page.parent / name).write_text("x")
        for name in temporary:
            (page.parent / name).unlink()
        time.sleep(2)  # a rebuild they started would have been reported by now
        assert "rebuilt" not in log_path.read_text()
        edited = page.parent / "sedQYNFG0"  # sed -i: the new text, renamed over the page
        edited.write_text(page.read_text().replace("Some text", "New text"))
        edited.rename(page)
        wait_for(lambda: "rebuilt after" in log_path.read_text(), timeout=60)
        time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=30)
    rebuilt = [
        line for line in log_path.read_text().splitlines() if line.startswith("devserver: rebuilt after")
    ]
    assert len(rebuilt) == 1 and rebuilt[0].startswith("devserver: rebuilt after a.md in "), rebuilt
    assert "New text" in (guide.output / "a.html").read_text()


def devserver_command(guide, conffile: Path, port: int) -> list[str]:
    """`guide-devserver` on the guide, its cache beside it, on the loopback."""
    return [
        str(DEVSERVER),
        str(guide.content),
        "-o",
        str(guide.output),
        "-s",
        str(conffile),
        "--cache-path",
        str(guide.root / ".cache"),
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
    ]


def _directive(policy: str, name: str) -> list[str]:
    found = [part.split()[1:] for part in policy.split(";") if part.split()[:1] == [name]]
    return found[0] if found else []


def test_html_builds_allow_no_live_reload_script(servers_site):
    """make html's pages allow the theme's own scripts only: the live-reload snippet's hash
    is the devserver's alone."""
    policy = _CSP.search(servers_site.html("servers.html")).group(1).replace("&#39;", "'")
    assert f"'sha256-{sha256_base64(LIVERELOAD_SNIPPET)}'" not in _directive(policy, "script-src")
    assert len(_directive(policy, "script-src")) == 3  # 'self', 'wasm-unsafe-eval', the theme's init
    assert LIVERELOAD_SNIPPET not in servers_site.html("servers.html")


def index_files(site: Path) -> dict[str, bytes]:
    """The search index's files, but its list of shards (whose keys name the settings)."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted((site / "pagefind").rglob("*"))
        if path.is_file() and path.name != "shards.json"
    }


def test_a_save_is_quick_and_its_search_shard_is_indexed_after_the_reload(guide, tmp_path):
    """The devserver's rebuild after a body edit reads that page alone, the reload does not wait
    for the search index, and once the devserver says it is up to date the index is the one a
    full build of the same pages makes, shard for shard."""
    for number in range(6):
        guide.page(
            f"p{number}.md",
            f"Page {number} text.\n",
            title=f"Page {number}",
            slug=f"p{number}",
            sortorder=f"01{number:02d}",
            toc="true" if not number else "false",
        )
    conffile = guide.settings(GUIDE_SEARCH_SHARD_PAGES=2)
    port = free_port()
    log_path = guide.root / "devserver.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            devserver_command(guide, conffile, port), cwd=REPO, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_for(lambda: fetch(f"http://127.0.0.1:{port}/p3.html"), timeout=60, step=0.1)
        listener = ReloadListener(port)
        page = guide.content / "pages" / "p3.md"
        page.write_text(
            page.read_text().replace("Page 3 text.", "Page 3 text about a quokka."), encoding="utf-8"
        )
        listener.next_reload(timeout=60)
        listener.close()
        wait_for(lambda: "search index updated" in log_path.read_text(), timeout=60, step=0.05)
    finally:
        process.terminate()
        process.wait(timeout=30)
    said = log_path.read_text()
    rebuilt = next(line for line in said.splitlines() if line.startswith("devserver: rebuilt after p3.md"))
    assert said.index(rebuilt) < said.index("search index updated")  # the reload first
    assert json.loads((guide.root / ".cache" / "guide-timings.json").read_text())["pages read"] == 1
    cold = run_build(guide.content, tmp_path / "cold", conffile=conffile, cache=tmp_path / "cold-cache")
    assert cold.returncode == 0, cold.stderr
    assert index_files(guide.output) == index_files(tmp_path / "cold")


def _saved_by_rename(path: Path, text: str) -> None:
    """As vim, Emacs and `sed -i` save: the new text in a file beside, renamed over the old."""
    beside = path.parent / "sedX1y2Z3"
    beside.write_text(text, encoding="utf-8")
    beside.rename(path)


def _saved_by_delete_and_create(path: Path, text: str) -> None:
    path.unlink()
    time.sleep(0.05)
    path.write_text(text, encoding="utf-8")


def test_every_save_however_made_gives_what_a_cold_build_with_the_devservers_settings_gives(tmp_path):
    """Content, theme and settings saved in place, by rename and by delete-and-create, a save
    that breaks a page and the one that mends it: after each, the devserver's folder (its
    search index brought up to date after the reload) is a cold build's, byte for byte."""
    from conftest import Guide, tree_bytes
    from guides import write_every_shape

    guide = Guide(tmp_path / "guide")
    write_every_shape(guide)
    theme = guide.root / "theme"
    shutil.copytree(REPO / "theme", theme)
    conffile = guide.settings(
        THEME=str(theme), GUIDE_SECTIONS={50: 3}, SITENAME="First", GUIDE_SEARCH_SHARD_PAGES=6
    )
    port = free_port()
    log_path = guide.root / "devserver.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            devserver_command(guide, conffile, port), cwd=REPO, stdout=log, stderr=subprocess.STDOUT
        )
    hashes = json.dumps([sha256_base64(LIVERELOAD_SNIPPET)])
    page = guide.content / "pages" / "05" / "hosting.md"
    base = theme / "templates" / "base.html"

    def rebuilt() -> int:
        return log_path.read_text().count("devserver: rebuilt after")

    def same_as_cold(number: int) -> None:
        cold = run_build(
            guide.content,
            tmp_path / f"cold-{number}",
            conffile=conffile,
            cache=tmp_path / f"cold-cache-{number}",
            settings={"GUIDE_DEV_SCRIPT_HASHES": hashes},
        )
        assert cold.returncode == 0, cold.stderr
        wanted = tree_bytes(tmp_path / f"cold-{number}")
        # The reload comes first; the stale search shards are indexed after it.
        wait_for(lambda: tree_bytes(guide.output) == wanted, timeout=60, step=0.2)

    saves = [
        lambda: page.write_text(
            page.read_text().replace("Some text", "Text saved in place"), encoding="utf-8"
        ),
        lambda: _saved_by_rename(page, page.read_text().replace("in place", "by a rename")),
        lambda: _saved_by_delete_and_create(page, page.read_text().replace("by a rename", "made anew")),
        lambda: _saved_by_rename(
            base, base.read_text().replace("</footer>", "<!-- a theme save --></footer>")
        ),
        lambda: _saved_by_rename(conffile, conffile.read_text().replace("First", "Second")),
        lambda: conffile.write_text(conffile.read_text().replace("Second", "Third"), encoding="utf-8"),
        lambda: _saved_by_delete_and_create(conffile, conffile.read_text().replace("Third", "Fourth")),
    ]
    try:
        wait_for(lambda: "devserver: serving" in log_path.read_text(), timeout=120, step=0.1)
        same_as_cold(0)
        for number, save in enumerate(saves, start=1):
            before = rebuilt()
            time.sleep(0.3)
            save()
            wait_for(lambda before=before: rebuilt() > before, timeout=60, step=0.05)
            same_as_cold(number)
        # A save that breaks a page: reported, the site left as it was; the fix rebuilds it.
        text = page.read_text()
        errors = log_path.read_text().count("error: ")
        page.write_text(text.replace("sortorder: 0501", "sortorder: 05x1"), encoding="utf-8")
        wait_for(lambda: log_path.read_text().count("error: ") > errors, timeout=60, step=0.05)
        before = rebuilt()
        page.write_text(text, encoding="utf-8")
        wait_for(lambda: rebuilt() > before, timeout=60, step=0.05)
        same_as_cold(len(saves) + 1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    said = log_path.read_text()
    assert "Fourth" in (guide.output / "hosting.html").read_text()
    assert said.count("devserver: rebuilt after") >= len(saves) + 1, said
