"""What a reader's search finds and costs, through the theme's own search dialog, in
Chromium: `make bench` (and `REAL=` for a real guide).

    python -m tests.perf.search_finding --pages 1000 [--real PATH]

Ranking: a set of queries, each with the page it must return first (the synthetic
guide's topic pages, titled by their topic among code-example pages that name it; or
REAL_QUERIES on a real guide), typed into the dialog; how many come first, and the
others with what came first instead.

Cost: for each of the first COST_QUERIES queries, in a fresh browser context (an empty
cache), on a throttled connection (search_reader.Throttle: 150 ms round trip, 1.6
Mbit/s), a page of the guide is opened, then the query typed at a reader's pace into the
dialog: the requests and bytes (gzip, as nginx sends them) from the first key to the
results shown, and the time from the last key to the first result shown.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .search_reader import Throttle
from .synthetic import REPO, TOPIC_TITLES, topic_pages, write_guide

PUBLISHCONF = REPO / "publishconf.py"
BIN = Path(sys.executable).parent
COST_QUERIES = 8
TYPING_DELAY_MS = 120  # between keys: a reader typing steadily
# The real guide (fullstackpython.com's pages): a topic, and the page it must return first.
REAL_QUERIES = {
    "flask": "flask",
    "gunicorn": "green-unicorn-gunicorn",
    "postgresql": "postgresql",
    "nginx": "nginx",
    "docker": "docker",
    "celery": "celery",
    "django": "django",
    "redis": "redis",
    "mysql": "mysql",
    "sqlite": "sqlite",
    "sqlalchemy": "sqlalchemy",
    "jinja2": "jinja2",
    "pandas": "pandas",
    "uwsgi": "uwsgi",
    "kubernetes": "kubernetes",
    "ansible": "ansible",
    "heroku": "heroku",
    "vim": "vim",
    "git": "git",
    "mongodb": "mongodb",
    "websockets": "websockets",
    "web frameworks": "web-frameworks",
    "task queues": "task-queues",
    "static site generators": "static-site-generator",
    "pelican": "pelican",
    "unit testing": "unit-testing",
    "logging": "logging",
    "monitoring": "monitoring",
    "sentry": "sentry",
    "continuous integration": "continuous-integration",
    "aws lambda": "aws-lambda",
    "emacs": "emacs",
    "wsgi servers": "wsgi-servers",
    "pyramid": "pyramid",
    "bottle": "bottle",
}
_COMPRESSED = (".html", ".js", ".json", ".css", ".svg", ".md", ".txt")


def synthetic_queries(pages: int, count: int = 30) -> dict[str, str]:
    """Topics whose pages the synthetic guide titles by them: {query: slug}."""
    return {TOPIC_TITLES[topic].lower(): slug for topic, slug in list(topic_pages(pages).items())[:count]}


def publish(content: Path, output: Path) -> None:
    """`make publish` of the content folder (one search index), for any address."""
    subprocess.run(
        [
            str(BIN / "guide-build"),
            str(content),
            "-o",
            str(output),
            "-s",
            str(PUBLISHCONF),
            "-e",
            'GUIDE_PRECOMPRESS=[".js"]',
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
        env={"SITEURL": "https://guide.example.net", "PATH": "/usr/bin:/bin"},
    )


def serve_gzip_throttled(site: Path, throttle: Throttle):
    """tests/tools.serve, text files gzipped (level 6, as nginx's gzip), every body sent
    through `throttle`."""
    sys.path.insert(0, str(REPO / "tests"))
    from tools import QuietHandler, serve

    class Handler(QuietHandler):
        def send_head(self):
            self.compress = self.path.split("?")[0].endswith(_COMPRESSED) and "gzip" in self.headers.get(
                "Accept-Encoding", ""
            )
            return super().send_head()

        def send_header(self, keyword, value):
            if self.compress and keyword.lower() == "content-length":
                return  # the length is the compressed body's, unknown here: the connection closes
            super().send_header(keyword, value)

        def end_headers(self):
            if self.compress:
                super().send_header("Content-Encoding", "gzip")
                self.close_connection = True
            super().end_headers()

        def copyfile(self, source, outputfile):
            data = source.read()
            throttle.send(outputfile.write, gzip.compress(data, 6, mtime=0) if self.compress else data)

    return serve(site, handler_class=Handler)


_DONE = """() => {
  const status = document.querySelector('dialog.search-dialog .search-status');
  return !!status && / for /.test(status.textContent)
    && !!document.querySelector('dialog.search-dialog .search-results > li > a');
}"""
_FIRST = """() => new URL(document.querySelector('dialog.search-dialog .search-results > li > a').href)
  .pathname.split('/').pop().replace(/\\.html$/, '')"""


def measure(site: Path, queries: dict[str, str], page: str = "table-of-contents.html") -> dict:
    """Ranking (every query) and cost (the first COST_QUERIES) through the dialog."""
    sys.path.insert(0, str(REPO / "tests"))
    from tools import chromium

    throttle = Throttle()
    found, costs = {}, []
    with serve_gzip_throttled(site, throttle) as base, chromium() as browser:
        for query in list(queries)[:COST_QUERIES]:
            context = browser.new_context()
            tab = context.new_page()
            tab.goto(base + page, wait_until="networkidle")
            tab.keyboard.press("/")
            before = (throttle.requests, throttle.bytes)
            tab.keyboard.type(query[0])
            tab.keyboard.type(query[1:], delay=TYPING_DELAY_MS)
            typed = time.perf_counter()
            tab.wait_for_function(_DONE, timeout=60_000)
            shown = time.perf_counter() - typed
            tab.wait_for_load_state("networkidle")
            costs.append(
                {
                    "query": query,
                    "requests": throttle.requests - before[0],
                    "bytes": throttle.bytes - before[1],
                    "seconds": shown,
                }
            )
            context.close()
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(base + page)
        tab.keyboard.press("/")
        for query in queries:
            field = tab.locator("dialog.search-dialog input")
            field.fill(query)
            tab.wait_for_function(
                "(q) => document.querySelector('dialog.search-dialog .search-status')"
                ".textContent.endsWith(' for ' + q)",
                arg=query,
                timeout=60_000,
            )
            found[query] = tab.evaluate(_FIRST) if tab.evaluate(_DONE) else None
        context.close()
    return {"found": found, "expected": queries, "costs": costs}


def report(what: str, measured: dict) -> str:
    found, expected, costs = measured["found"], measured["expected"], measured["costs"]
    firsts = [query for query in expected if found[query] == expected[query]]
    missed = [f"{query!r} gave {found[query]}" for query in expected if query not in firsts]
    middle = lambda key: statistics.median(cost[key] for cost in costs)  # noqa: E731
    most = max(costs, key=lambda cost: cost["requests"])
    return (
        f"Search on {what}: the expected page first for {len(firsts)} of {len(expected)} queries"
        + (f" (missed: {'; '.join(missed)})" if missed else "")
        + f". A first search from the first key to the results shown, on a throttled connection "
        f"(medians of {len(costs)} queries, each in a fresh browser): {middle('requests'):.0f} requests "
        f"(most {most['requests']}, for {most['query']!r}), "
        f"{middle('bytes') / 1000:.0f} kB gzip "
        f"(most {max(cost['bytes'] for cost in costs) / 1000:.0f} kB), first result shown "
        f"{middle('seconds'):.2f} s after the last key."
    )


def run(pages: int, real: Path | None = None, keep: Path | None = None) -> list[str]:
    root = Path(tempfile.mkdtemp(prefix="guide-search-finding-", dir=keep))
    lines = []
    try:
        write_guide(root / "content", pages)
        publish(root / "content", root / "synthetic")
        lines.append(
            report(f"the {pages}-page synthetic guide", measure(root / "synthetic", synthetic_queries(pages)))
        )
        if real is not None:
            publish(real, root / "real")
            lines.append(report("the real guide", measure(root / "real", REAL_QUERIES)))
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--real", type=Path)
    parser.add_argument("--site", type=Path, help="measure this published real guide as it is")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args(argv)
    if args.site:
        print(report(str(args.site), measure(args.site, REAL_QUERIES)))
        return
    print("\n".join(run(args.pages, args.real, args.keep)))


if __name__ == "__main__":
    main()
