"""`make devserver`: serves on 127.0.0.1, rebuilds on a save, reloads the page; CSP relaxed only there."""

from __future__ import annotations

import re
import time

from perf.devserver_latency import ReloadListener, fetch, free_port, start_devserver, wait_for

from guide_build.devserver import LIVERELOAD_SNIPPET
from guide_theme.stylesheet import sha256_base64

_CSP = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]*)"')
_SCRIPT = re.compile(r'<script type="text/javascript">(.*?)</script>', re.DOTALL)


def test_devserver_rebuilds_a_saved_page_and_tells_the_browser(guide):
    page = guide.page("05/servers.md", "First text.\n", title="Servers", slug="servers", sortorder="0502")
    guide.page("05/other.md", title="Other", slug="other", sortorder="0503")
    guide.content.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with open(guide.root / "devserver.log", "w") as log:
        process = start_devserver(guide.content, guide.output, port, log)
    try:
        url = f"http://127.0.0.1:{port}/servers.html"
        html = wait_for(lambda: fetch(url), timeout=60, step=0.1)
        assert "First text." in html
        # livereload injects its snippet; the devserver build's CSP allows exactly that one.
        script = _SCRIPT.search(html).group(1)
        assert script == LIVERELOAD_SNIPPET
        policy = _CSP.search(html).group(1).replace("&#39;", "'")
        assert f"script-src 'self' 'sha256-{sha256_base64(script)}'" in policy

        listener = ReloadListener(port)
        time.sleep(0.3)
        page.write_text(page.read_text().replace("First text.", "Second text."), encoding="utf-8")
        assert listener.next_reload(timeout=60)["command"] == "reload"
        listener.close()
        assert "Second text." in fetch(url)
    finally:
        process.terminate()
        process.wait(timeout=30)
    log_text = (guide.root / "devserver.log").read_text()
    assert f"serving {guide.output} on http://127.0.0.1:{port}/" in log_text


def test_html_builds_run_no_script(servers_site):
    policy = _CSP.search(servers_site.html("servers.html")).group(1)
    assert "script-src" not in policy and "default-src &#39;none&#39;" in policy
    assert "<script" not in servers_site.html("servers.html")
