"""What a reader would pay for the search index's shards: a first search, in Chromium, on
a throttled connection, against the same guide indexed whole. A published site is one
index (publishconf.py); the shards are what a `make html` site, the author's, searches.

    python -m tests.perf.search_reader --pages 1000

The synthetic guide is built twice: with the guide's shards, and as one index
(GUIDE_SEARCH_SHARD_PAGES above the page count: as published, as before shards). Each is
served on the loopback; for each query a fresh browser context (an empty cache) opens
an empty page of the site under 4G-like throttling (150 ms round trip, 1.6 Mbit/s down,
750 kbit/s up), then searches as the theme's script does: Pagefind's API loaded, the
shards merged, the query run, the first result's data fetched. It records the time from
the search's start to the first result, the bytes and the requests it cost, and the
first result's address, compared with and without shards.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .synthetic import REPO, write_guide

CONFFILE = REPO / "pelicanconf.py"
BIN = Path(sys.executable).parent
QUERIES = (
    "bare metal",
    "gunicorn",
    "uwsgi configuration",
    "kafka",
    "letsencrypt certificates",
    "platform as a service",
    "systemd",
    "caching sessions",
)

# The search as the theme's script runs it: Pagefind's API from the first shard, the
# others merged in (pagefind/shards.json lists them), the query, the first result's data.
_SEARCH = """async (query) => {
  const root = new URL("pagefind/", document.baseURI);
  const started = performance.now();
  const [manifest, pagefind] = await Promise.all([
    fetch(new URL("shards.json", root)).then((answer) => answer.json()),
    import(new URL("0/pagefind.js", root).href),
  ]);
  await pagefind.options({ baseUrl: "/" });
  await Promise.all(manifest.shards.slice(1).map((shard) =>
    pagefind.mergeIndex(new URL(shard.path, root).href, { baseUrl: "/" })));
  const search = await pagefind.search(query);
  const first = search.results.length ? await search.results[0].data() : null;
  const seconds = (performance.now() - started) / 1000;
  const best = search.results.length ? search.results[0].score : 0;
  return {
    seconds, url: first && first.url, count: search.results.length, first: first && search.results[0].id,
    // Each page's score, to tell a different first page from a tie broken another way.
    scores: Object.fromEntries(search.results.map((result) => [result.id, result.score])),
  };
}"""


def build(content: Path, output: Path, shard_pages: int | None) -> None:
    command = [
        str(BIN / "guide-build"),
        str(content),
        "-o",
        str(output),
        "-s",
        str(CONFFILE),
        "--cache-path",
        str(output.parent / f".cache-{output.name}"),
    ]
    if shard_pages:
        command += ["-e", f"GUIDE_SEARCH_SHARD_PAGES={shard_pages}"]
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)


class Throttle:
    """The connection of a reader on 4G, played by the server: each response waits one
    round trip, and all of them share 1.6 Mbit/s. (Chromium's own throttling leaves out
    the requests of Pagefind's worker.) Counts the requests and the bytes sent."""

    ROUND_TRIP = 0.150
    BYTES_PER_SECOND = 1_600_000 / 8

    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.free_at = 0.0  # when the shared link is next free
        self.requests = 0
        self.bytes = 0

    def send(self, write, data: bytes) -> None:
        import time

        with self.lock:
            self.requests += 1
            self.bytes += len(data)
            start = max(time.monotonic() + self.ROUND_TRIP, self.free_at)
            self.free_at = start + len(data) / self.BYTES_PER_SECOND
            done = self.free_at
        time.sleep(max(0.0, done - time.monotonic()))
        write(data)


def serve_throttled(site: Path, throttle: Throttle):
    """tests/tools.serve, each answer's body sent through `throttle`."""
    from tools import QuietHandler, serve

    class Handler(QuietHandler):
        def copyfile(self, source, outputfile):
            throttle.send(outputfile.write, source.read())

    return serve(site, handler_class=Handler)


def first_searches(site: Path) -> list[dict]:
    """Each query's first search in a fresh browser context (an empty cache), on the
    throttled connection: seconds, bytes, requests, the first result's address."""
    sys.path.insert(0, str(REPO / "tests"))
    from tools import chromium

    measured = []
    # A page of the site's origin with nothing in it: the search is the only thing it loads.
    (site / "bench-blank.html").write_text("<!doctype html><title>blank</title>")
    throttle = Throttle()
    with serve_throttled(site, throttle) as base, chromium() as browser:
        for query in QUERIES:
            context = browser.new_context()
            page = context.new_page()
            page.goto(base + "bench-blank.html")
            before = (throttle.requests, throttle.bytes)
            result = page.evaluate(_SEARCH, query)
            measured.append(
                {
                    **result,
                    "requests": throttle.requests - before[0],
                    "bytes": throttle.bytes - before[1],
                    "query": query,
                }
            )
            context.close()
    return measured


def compare(pages: int, keep: Path | None = None, shard_pages: int | None = None) -> dict:
    root = Path(tempfile.mkdtemp(prefix="guide-search-reader-", dir=keep))
    try:
        write_guide(root / "content", pages)
        build(root / "content", root / "sharded", shard_pages)
        build(root / "content", root / "whole", pages + 1)
        shards = len(json.loads((root / "sharded" / "pagefind" / "shards.json").read_text())["shards"])
        sharded, whole = first_searches(root / "sharded"), first_searches(root / "whole")
        return {"pages": pages, "shards": shards, "sharded": sharded, "whole": whole}
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def report(measured: dict) -> str:
    sharded, whole = measured["sharded"], measured["whole"]

    def middle(runs, key):
        return statistics.median(run[key] for run in runs)

    seconds, bytes_ = (
        middle(sharded, "seconds") / middle(whole, "seconds"),
        middle(sharded, "bytes") / middle(whole, "bytes"),
    )
    # Pagefind's page ids are digests of a page's content, the same in both indexes. A page
    # that scores within 1% of the first in the whole index is a near tie: the shards'
    # own document counts (BM25's idf) decide it.
    other = [a["query"] for a, b in zip(sharded, whole, strict=False) if a["first"] != b["first"]]
    far = [
        a["query"]
        for a, b in zip(sharded, whole, strict=False)
        if b["scores"].get(a["first"], 0) < 0.99 * max(b["scores"].values(), default=0)
    ]
    return (
        "Search: a published site is one index (publishconf.py), so its readers search as before shards. "
        "A make html site's first query on a throttled connection "
        f"({measured['pages']} pages, {measured['shards']} shards against "
        f"one index; medians of {len(sharded)} queries): {middle(sharded, 'seconds'):.2f} s against "
        f"{middle(whole, 'seconds'):.2f} s ({seconds:.2f}x), "
        f"{middle(sharded, 'bytes') / 1000:.0f} kB against "
        f"{middle(whole, 'bytes') / 1000:.0f} kB ({bytes_:.2f}x), "
        f"{middle(sharded, 'requests'):.0f} requests against "
        f"{middle(whole, 'requests'):.0f}; {'within' if seconds <= 1.5 and bytes_ <= 1.5 else 'over'} 1.5x. "
        + f"The first result is the same page for {len(sharded) - len(other)} of {len(sharded)} queries"
        + (
            f", and within 1% of the first's score in the whole index for the others ({', '.join(other)})."
            if other and not far
            else f"; not for {', '.join(far)}."
            if far
            else "."
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--shard-pages", type=int, help="GUIDE_SEARCH_SHARD_PAGES (default: the guide's)")
    args = parser.parse_args(argv)
    measured = compare(args.pages, args.keep, args.shard_pages)
    print(report(measured))
    if os.environ.get("GUIDE_BENCH_JSON"):
        print(json.dumps(measured, indent=1))


if __name__ == "__main__":
    main()
