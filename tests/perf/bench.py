"""`make bench`: this project against plain Pelican on a synthetic guide of N pages.

    python -m tests.perf.bench --pages 1000 --rounds 3 [--real PATH] [--keep DIR]

The guide (tests/perf/synthetic.py) has chapters of real size and a sectioned chapter
50. Each round builds it cold (no output, no cache) with this project (`guide-build`,
as `make html` runs it, search index included) and with plain Pelican from the same
venv (the `simple` theme, no plugins, the same Markdown settings, content cache on),
the two alternating; then warm, after one page's body is edited, on both. Memory is
the peak of the whole process tree, Pagefind included. Then `make devserver` is timed
from a save to its reload message, to the page served and to the search index brought
up to date; a reader's first search is timed in Chromium on a throttled connection
(search_reader.py, on 1,000 pages); and Hugo (if installed, requirements-bench.txt)
builds the same guide cold. `--real PATH` does the same on a real guide's content
folder. Then `make linkcheck`'s checker on 5,000 URLs (linkcheck_bench.py; `--only linkcheck`
runs just that). Last, Lighthouse's performance score of the published Servers page, the
median of the rounds (lighthouse_bench.py; `--only lighthouse`). Prints medians, ratios and
each target's verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .synthetic import REPO, page_files, write_guide

CONFFILE = REPO / "pelicanconf.py"
BIN = Path(sys.executable).parent

# Plain Pelican, as close to a stock site as the comparison allows: the same pages and
# Markdown settings, no plugins, the built-in theme without a page menu.
PLAIN_CONF = """\
import sys
sys.path.insert(0, {repo!r})
from pelicanconf import MARKDOWN, PAGE_URL, PAGE_SAVE_AS, TIMEZONE, DEFAULT_LANG
SITENAME = "Plain Pelican"
SITEURL = ""
RELATIVE_URLS = True
THEME = "simple"
PLUGINS = []
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = []
STATIC_PATHS = {static!r}
DISPLAY_PAGES_ON_MENU = False
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "mtime"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""

_SIDEBAR = re.compile(rb'<nav [^>]*aria-label="Table of contents"[^>]*>.*?</nav>', re.DOTALL)


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system, the build and every process it waited for
    peak_mib: float  # the whole process tree's proportional set size, sampled
    timings: dict = field(default_factory=dict)  # the project's phases (guide-timings.json)


def _tree_pss_kib(root: int) -> int:
    """Memory of a process and all its descendants, from /proc: the proportional set
    size, so pages a forked worker shares with its parent are counted once, not twice."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                stack += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def timed(command: list[str], env: dict[str, str], log: Path) -> tuple[float, float, float]:
    """Run a build: its wall time, CPU time and the peak memory of its process tree (MiB)."""
    with open(log, "w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
        peak = 0
        done = threading.Event()

        def sample():
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_pss_kib(process.pid))
                done.wait(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"build failed ({' '.join(command)}):\n{log.read_text()[-3000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, peak / 1024


class Bench:
    """One guide, built by each side into its own output and cache folders."""

    def __init__(self, root: Path, pages: int | None = None, content: Path | None = None, static: tuple = ()):
        self.root = root
        self.content = content or root / "content"
        self.counts = write_guide(self.content, pages) if content is None else {}
        self.files = page_files(self.content)
        (root / "plainconf.py").write_text(PLAIN_CONF.format(repo=str(REPO), static=list(static)))
        self.edits = 0

    def command(self, side: str) -> list[str]:
        common = [
            str(self.content),
            "-o",
            str(self.root / f"out-{side}"),
            "--cache-path",
            str(self.root / f"cache-{side}"),
        ]
        if side == "plain":
            return [str(BIN / "pelican"), *common, "-s", str(self.root / "plainconf.py")]
        return [str(BIN / "guide-build"), *common, "-s", str(CONFFILE)]

    def build(self, side: str, kind: str) -> Run:
        run = Run(*timed(self.command(side), os.environ, self.root / f"{side}-{kind}.log"))
        figures = self.root / f"cache-{side}" / "guide-timings.json"
        if side != "plain" and figures.exists():
            run.timings = json.loads(figures.read_text())
        return run

    def cold(self, side: str) -> Run:
        for name in (f"out-{side}", f"cache-{side}"):
            shutil.rmtree(self.root / name, ignore_errors=True)
        return self.build(side, "cold")

    def edit_one_body(self) -> None:
        """What an author does: add a sentence to one page's text and save it."""
        self.edits += 1
        page = self.files[len(self.files) // 2]
        with open(page, "a", encoding="utf-8") as text:
            text.write(f"\nEdited {self.edits} times.\n")

    def warm(self, side: str) -> Run:
        self.edit_one_body()
        return self.build(side, "warm")


def median(runs: list[Run], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def timing(runs: list[Run], key: str) -> float:
    return statistics.median(run.timings.get(key, 0.0) for run in runs)


def page_sizes(output: Path) -> tuple[int, int, int]:
    """(median page bytes, median sidebar bytes, largest sidebar bytes) of the guide's pages."""
    pages, sidebars = [], []
    for path in output.glob("*.html"):
        data = path.read_bytes()
        found = _SIDEBAR.search(data)
        if found and b"data-pagefind-body" in data:
            pages.append(len(data))
            sidebars.append(len(found.group(0)))
    return int(statistics.median(pages)), int(statistics.median(sidebars)), max(sidebars)


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def hugo_cold(bench: Bench, rounds: int) -> float | None:
    """Hugo's cold build of the same pages (front matter in YAML, a one-template theme)."""
    binary = BIN / "hugo"
    if not binary.exists():
        return None
    site = bench.root / "hugo"
    shutil.rmtree(site, ignore_errors=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(
        'baseURL = "/"\ntitle = "Hugo"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
    )
    (site / "layouts" / "_default" / "single.html").write_text(
        "<!doctype html><title>{{ .Title }}</title><nav><ol>{{ range .CurrentSection.Pages }}"
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol></nav>'
        "<main>{{ .Content }}</main>"
    )
    (site / "layouts" / "_default" / "list.html").write_text("<!doctype html><title>{{ .Title }}</title>")
    for number, source in enumerate(bench.files):
        header, body = source.read_text(encoding="utf-8").split("\n\n", 1)
        fields = dict(line.split(": ", 1) for line in header.splitlines())
        # A folder per chapter, and per section in chapter 50: a Hugo section lists what
        # the guide's sidebar lists.
        order = fields["sortorder"]
        folder = f"{order[:2]}/{order[2:5]}" if len(order) == 9 else order[:2]
        target = site / "content" / folder / f"{fields['slug']}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"---\ntitle: {json.dumps(fields['title'])}\nweight: {number}\n---\n\n{body.replace('~~', '')}"
        )
        for section in (
            target.parent,
            target.parent.parent,
        ):  # a nested folder is a section with an _index.md
            if section != site / "content" and not (section / "_index.md").exists():
                (section / "_index.md").write_text(f"---\ntitle: {section.name}\n---\n")
    seconds = []
    for _ in range(rounds):
        shutil.rmtree(site / "public", ignore_errors=True)
        started = time.perf_counter()
        subprocess.run([str(binary), "--quiet", "--source", str(site)], check=True, capture_output=True)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def ratio_row(what: str, mine: float, theirs: float, target: float, unit: str = "s") -> str:
    return (
        f"| {what} ({unit}) | {mine:.2f} | {theirs:.2f} | {mine / theirs:.2f}x "
        f"| ≤ {target}x: {verdict(mine <= target * theirs)} |"
    )


def report(bench: Bench, sides: dict, pages: int, rounds: int, devserver, hugo) -> str:
    project, plain = sides["project"], sides["plain"]
    cold, plain_cold = median(project["cold"], "seconds"), median(plain["cold"], "seconds")
    warm, plain_warm = median(project["warm"], "seconds"), median(plain["warm"], "seconds")
    cpu, plain_cpu = median(project["cold"], "cpu_seconds"), median(plain["cold"], "cpu_seconds")
    memory = max(median(project[kind], "peak_mib") for kind in ("cold", "warm"))
    plain_memory = max(median(plain[kind], "peak_mib") for kind in ("cold", "warm"))
    last = project["warm"][-1].timings
    median_page, median_sidebar, largest_sidebar = page_sizes(bench.root / "out-project")
    plain_page = int(
        statistics.median(path.stat().st_size for path in (bench.root / "out-plain").glob("*.html"))
    )
    index = folder_bytes(bench.root / "out-project" / "pagefind")
    shards = len(list((bench.root / "out-project" / "pagefind").glob("[0-9]*")))
    lines = [
        f"Synthetic guide: {pages} pages (the largest section {max(bench.counts.values())} pages); "
        f"{rounds} rounds, medians.",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; "
        f"load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| build | project | plain Pelican | project / plain | target |",
        "| --- | ---: | ---: | ---: | --- |",
        ratio_row("cold, search included", cold, plain_cold, 1.0),
        f"| cold, CPU (s) | {cpu:.2f} | {plain_cpu:.2f} | {cpu / plain_cpu:.2f}x | |",
        ratio_row("warm, one body edited, search index current", warm, plain_warm, 0.5),
        ratio_row("peak memory, whole process tree", memory, plain_memory, 1.5, "MiB"),
        f"| median page (bytes) | {median_page} | {plain_page} | {median_page / plain_page:.2f}x | |",
        "",
        f"Warm builds: the last read {last.get('pages read', 0)} page(s) again, "
        f"{last.get('rendered', 0)} files "
        f"rendered, {last.get('reused', 0)} reused, {last.get('checked', 0)} checked, "
        f"{last.get('search_shards_indexed', 0)} search shard indexed "
        f"in {last.get('search_seconds', 0):.2f} s.",
        f"Sidebar: median {median_sidebar} bytes, largest {largest_sidebar} bytes.",
        f"Search index: {index / 1e6:.1f} MB in {shards} shards; "
        f"Pagefind ran {timing(project['cold'], 'search_seconds'):.2f} s "
        "in the cold build (beside the check).",
    ]
    if devserver:
        lines.append(devserver_line(devserver, pages))
    if hugo is not None:
        lines.append(
            f"Hugo, cold build of the same pages: {hugo:.2f} s; the warm rebuild is {warm / hugo:.2f}x it."
        )
    else:
        lines.append("Hugo: not installed (make bench installs requirements-bench.txt).")
    return "\n".join(lines)


def devserver_line(devserver: dict, what) -> str:
    reload, search = (
        devserver["save_to_reload_s"],
        devserver["save_to_search_s"] - devserver["save_to_reload_s"],
    )
    return (
        f"Devserver ({what}): save to reload message {reload:.2f} s "
        f"(target ≤ 0.3 s: {verdict(reload <= 0.3)}), "
        f"to the page served {devserver['save_to_served_s']:.2f} s, to the search index current "
        f"{devserver['save_to_search_s']:.2f} s, {search:.2f} s after the reload "
        f"(target ≤ 2 s: {verdict(search <= 2)}); "
        f"medians of {len(devserver['all_reloads_s'])} saves."
    )


def run(pages: int, rounds: int, keep: Path | None = None, devserver: bool = True) -> str:
    from .devserver_latency import measure

    root = Path(tempfile.mkdtemp(prefix="guide-bench-", dir=keep))
    try:
        bench = Bench(root, pages)
        sides = {name: {"cold": [], "warm": []} for name in ("project", "plain")}
        for number in range(rounds):
            order = ("project", "plain") if number % 2 == 0 else ("plain", "project")
            for side in order:
                sides[side]["cold"].append(bench.cold(side))
            for side in order:
                sides[side]["warm"].append(bench.warm(side))
            print(
                f"round {number + 1}: "
                + ", ".join(
                    f"{name} cold {runs['cold'][-1].seconds:.2f} s warm {runs['warm'][-1].seconds:.2f} s"
                    for name, runs in sides.items()
                ),
                file=sys.stderr,
                flush=True,
            )
        # The devserver reads the guide from the project's cache, as after a `make html`.
        latency = measure(pages, 3, root, bench.content, root / "cache-project") if devserver else None
        return report(bench, sides, pages, rounds, latency, hugo_cold(bench, rounds))
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def real_guide(content: Path, rounds: int, keep: Path | None = None) -> str:
    """A real guide's content folder (its pages/ and img/): cold and warm builds of both
    sides, and the devserver."""
    from .devserver_latency import measure

    root = Path(tempfile.mkdtemp(prefix="guide-real-", dir=keep))
    try:
        copy = root / "content"  # warm builds edit a page: never the author's
        shutil.copytree(content, copy)
        bench = Bench(root, content=copy, static=("img",))
        sides: dict[str, dict[str, list[Run]]] = {
            "project": {"cold": [], "warm": []},
            "plain": {"cold": [], "warm": []},
        }
        for number in range(rounds):
            order = ("project", "plain") if number % 2 == 0 else ("plain", "project")
            for side in order:
                sides[side]["cold"].append(bench.cold(side))
            for side in order:
                sides[side]["warm"].append(bench.warm(side))
        project, plain = sides["project"], sides["plain"]
        phases = ", ".join(
            f"{name} {value:.2f}"
            for name, value in project["cold"][-1].timings.items()
            if isinstance(value, float) and name != "total"
        )
        latency = measure(len(bench.files), 3, root, copy, root / "cache-project")
        return "\n".join(
            [
                f"Real guide ({len(bench.files)} pages), medians of {rounds} rounds:",
                "",
                "| build | project | plain Pelican | project / plain | target |",
                "| --- | ---: | ---: | ---: | --- |",
                ratio_row("cold", median(project["cold"], "seconds"), median(plain["cold"], "seconds"), 0.6),
                ratio_row(
                    "warm, one body edited, search index current",
                    median(project["warm"], "seconds"),
                    median(plain["warm"], "seconds"),
                    0.5,
                ),
                ratio_row(
                    "peak memory",
                    median(project["cold"], "peak_mib"),
                    median(plain["cold"], "peak_mib"),
                    1.5,
                    "MiB",
                ),
                "",
                f"Phases of the last cold build (s): {phases}.",
                devserver_line(latency, "the real guide"),
            ]
        )
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--real", type=Path, help="also build this real guide's content folder, both sides")
    parser.add_argument("--keep", type=Path, help="build under this folder and keep it")
    parser.add_argument("--no-reader", action="store_true", help="leave out the reader's first search")
    parser.add_argument(
        "--only",
        choices=["linkcheck", "reader", "lighthouse"],
        help="run only this row (make bench ONLY=linkcheck)",
    )
    parser.add_argument(
        "--docs",
        type=Path,
        help="write the figures into this page of the manual, between its make bench markers",
    )
    args = parser.parse_args(argv)
    sections: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        sections.append(text)

    if args.only is None:
        say(run(args.pages, args.rounds, args.keep))
    if args.only in (None, "reader") and not args.no_reader:
        from .search_reader import compare
        from .search_reader import report as reader_report

        say(reader_report(compare(1000, args.keep)))
        from .search_finding import run as finding

        say("\n".join(finding(args.pages, args.real, args.keep)))
    if args.only is None and args.real:
        say(real_guide(args.real, args.rounds, args.keep))
    if args.only in (None, "linkcheck"):
        say(linkcheck_row())
    if args.only in (None, "lighthouse"):
        from .lighthouse_bench import measure
        from .lighthouse_bench import row as lighthouse_row

        say(lighthouse_row(measure(args.rounds)))
    if args.docs and args.only is None:
        command = f"make bench PAGES={args.pages} ROUNDS={args.rounds}" + (" REAL=..." if args.real else "")
        write_into_docs(args.docs, sections, command)


BEGIN = "<!-- make bench writes from here -->"
END = "<!-- make bench writes up to here -->"


def write_into_docs(page: Path, sections: list[str], command: str) -> None:
    """The manual's performance page shows the last whole `make bench`: its figures replace
    what stands between the page's markers; the rest of the page is left as written."""
    text = page.read_text(encoding="utf-8")
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise SystemExit(f"error: {page}: expected one {BEGIN!r} and then one {END!r}")
    before, rest = text.split(BEGIN)
    after = rest.split(END)[1]
    when = time.strftime("%Y-%m-%d", time.gmtime())
    body = f"\n\n`{command}`, {when}:\n\n" + "\n\n".join(sections) + "\n\n"
    page.write_text(before + BEGIN + body + END + after, encoding="utf-8")
    print(f"wrote the figures into {page}", file=sys.stderr)


def linkcheck_row() -> str:
    """`make linkcheck`'s checker: 5,000 URLs on 1,600 loopback hosts (linkcheck_bench.py)."""
    from .linkcheck_bench import measure, row

    return row(measure()) + f" Load average {os.getloadavg()[0]:.1f}."


if __name__ == "__main__":
    main()
