"""`make bench`: this project against plain Pelican on a synthetic guide of N pages.

    python -m tests.perf.bench --pages 1000 --rounds 3

Each round builds the guide cold (no output, no cache) and warm (one page edited,
cache kept) with this project (`python -m guide_build`, as `make html` runs it) and
with plain Pelican from the same venv (the `simple` theme, no plugins, the same
Markdown settings, content cache on). The two alternate, and which goes first
swaps every round. Prints medians, ratios, peak memory, HTML and sidebar sizes,
and the check plugin's own time, which guide_check writes to a file.
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

# Plain Pelican, as close to a stock site as the comparison allows: the same pages
# and Markdown settings, no plugins, the built-in theme without a page menu.
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

_SIDEBAR = re.compile(r'<nav aria-label="Table of contents">.*?</nav>', re.DOTALL)


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system, the build and every worker it waited for
    peak_mib: float  # the whole process tree's proportional set size, sampled
    check_seconds: float | None = None


@dataclass
class Side:
    name: str
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)


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
    def __init__(self, root: Path, pages: int):
        self.root = root
        self.content = root / "content"
        self.counts = write_guide(self.content, pages)
        self.files = page_files(self.content)
        (root / "plainconf.py").write_text(PLAIN_CONF.format(repo=str(REPO)))
        self.env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
        self.edits = 0

    def output(self, side: str) -> Path:
        return self.root / f"out-{side}"

    def cache(self, side: str) -> Path:
        return self.root / f"cache-{side}"

    def command(self, side: str, one_process: bool = False) -> list[str]:
        common = [str(self.content), "-o", str(self.output(side)), "--cache-path", str(self.cache(side))]
        if side == "project":
            timing = self.root / "check-timing.json"
            workers = {"workers": 1} if one_process else {}
            return [
                sys.executable, "-m", "guide_build", *common, "-s", str(CONFFILE),
                "-e", "GUIDE_CHECK=" + json.dumps({"timing_file": str(timing), **workers}),
                "GUIDE_READ=" + json.dumps(workers),
            ]  # fmt: skip
        return [sys.executable, "-m", "pelican", *common, "-s", str(self.root / "plainconf.py")]

    def check_seconds(self, side: str) -> float | None:
        timing = self.root / "check-timing.json"
        if side != "project" or not timing.exists():
            return None
        data = json.loads(timing.read_text())
        if data["checked"] > data["skipped"]:  # a cold build: keep the worker's CPU time
            kept = self.root / "check-cold.json"
            history = json.loads(kept.read_text()) if kept.exists() else []
            kept.write_text(json.dumps(history + [data["worker_cpu_seconds"]]))
        return data["seconds"]

    def cold(self, side: str, one_process: bool = False) -> Run:
        for folder in (self.output(side), self.cache(side), self.root / f".out-{side}.staging"):
            shutil.rmtree(folder, ignore_errors=True)
        command = self.command(side, one_process)
        return Run(*timed(command, self.env, self.root / f"{side}-cold.log"), self.check_seconds(side))

    def edit_one_page(self) -> None:
        """What an author does: change one page's text and save it."""
        self.edits += 1
        page = self.files[len(self.files) // 2]
        with open(page, "a", encoding="utf-8") as text:
            text.write(f"\nEdited {self.edits} times.\n")

    def warm(self, side: str) -> Run:
        self.edit_one_page()
        return Run(*timed(self.command(side), self.env, self.root / f"{side}-warm.log"), self.check_seconds(side))


def html_bytes_per_page(output: Path, names: list[str]) -> float:
    return statistics.mean((output / name).stat().st_size for name in names)


def sidebar_by_chapter(output: Path, counts: dict[int, int]) -> list[tuple[int, int, float]]:
    """(chapter, pages in it, mean sidebar bytes of its pages)."""
    rows = []
    for chapter, size in counts.items():
        sizes = []
        for path in output.glob(f"c{chapter}-page-*.html"):
            match = _SIDEBAR.search(path.read_text(encoding="utf-8"))
            sizes.append(len(match.group(0).encode()) if match else 0)
        rows.append((chapter, size, statistics.mean(sizes) if sizes else 0.0))
    return rows


def median(runs: list[Run], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def report(bench: Bench, project: Side, plain: Side, pages: int, rounds: int, single: Run) -> str:
    lines = [
        f"Synthetic guide: {pages} pages in {len(bench.counts)} chapters; {rounds} rounds, medians.",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}; "
        f"load average {os.getloadavg()[0]:.1f} at the end (other work on the machine slows both sides).",
        "",
        "| build | project | plain Pelican | project / plain | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    targets = {"cold": 1.10, "warm": 1.25}
    verdicts = []
    for kind in ("cold", "warm"):
        mine, theirs = median(getattr(project, kind), "seconds"), median(getattr(plain, kind), "seconds")
        ratio = mine / theirs
        met = ratio <= targets[kind]
        verdicts.append((f"{kind} ≤ {targets[kind]:.2f}x plain", met, f"{ratio:.2f}x"))
        lines.append(f"| {kind} (s) | {mine:.2f} | {theirs:.2f} | {ratio:.2f}x | ≤ {targets[kind]:.2f}x: {'met' if met else 'MISSED'} |")
        mine, theirs = median(getattr(project, kind), "cpu_seconds"), median(getattr(plain, kind), "cpu_seconds")
        lines.append(f"| {kind}, CPU time (s) | {mine:.2f} | {theirs:.2f} | {mine / theirs:.2f}x | |")
    mine = max(median(project.cold, "peak_mib"), median(project.warm, "peak_mib"))
    theirs = max(median(plain.cold, "peak_mib"), median(plain.warm, "peak_mib"))
    met = mine / theirs <= 1.5
    verdicts.append(("peak memory ≤ 1.5x plain", met, f"{mine / theirs:.2f}x"))
    lines.append(f"| peak memory (MiB) | {mine:.0f} | {theirs:.0f} | {mine / theirs:.2f}x | ≤ 1.50x: {'met' if met else 'MISSED'} |")
    plain_cold = median(plain.cold, "seconds")
    lines.append(
        f"| cold, one process (s / MiB) | {single.seconds:.2f} / {single.peak_mib:.0f} | "
        f"{plain_cold:.2f} / {theirs:.0f} | {single.seconds / plain_cold:.2f}x / {single.peak_mib / theirs:.2f}x | "
        "workers 1: no forks |"
    )
    names = [f"{path.name}" for path in bench.output("project").glob("c*-page-*.html")]
    mine = html_bytes_per_page(bench.output("project"), names)
    theirs = html_bytes_per_page(bench.output("plain"), names)
    lines.append(f"| HTML bytes per page | {mine:.0f} | {theirs:.0f} | {mine / theirs:.2f}x | |")

    check_cold = median(project.cold, "check_seconds")
    check_warm = median(project.warm, "check_seconds")
    worker_cpu = statistics.median(json.loads((bench.root / "check-cold.json").read_text()) or [0.0])
    cold = median(project.cold, "seconds")
    share = check_cold / cold
    verdicts.append(("check ≤ 10 % of the cold build", share <= 0.10, f"{share:.1%}"))
    warm = median(project.warm, "seconds")
    verdicts.append(("warm rebuild < 1.5 s (stretch)", warm < 1.5, f"{warm:.2f} s"))
    verdicts.append(("cold faster than plain (stretch)", cold < plain_cold, f"{cold / plain_cold:.2f}x"))
    lines += [
        "",
        f"Check plugin: {check_cold:.3f} s of the cold build's time ({share:.1%}; it also used "
        f"{worker_cpu:.2f} s of CPU on the other core while Pelican wrote), {check_warm:.3f} s of the warm one.",
        "",
        "| chapter | pages in chapter | sidebar bytes per page |",
        "| ---: | ---: | ---: |",
    ]
    rows = sorted(sidebar_by_chapter(bench.output("project"), bench.counts), key=lambda row: row[1])
    lines += [f"| {chapter} | {size} | {sidebar:.0f} |" for chapter, size, sidebar in rows]
    if len(rows) >= 2 and rows[-1][1] != rows[0][1]:
        slope = (rows[-1][2] - rows[0][2]) / (rows[-1][1] - rows[0][1])
        base = rows[0][2] - slope * rows[0][1]
        lines.append(f"\nSidebar bytes ≈ {base:.0f} + {slope:.0f} per page of the chapter (guide: {pages} pages).")
    lines += ["", "| target | met | measured |", "| --- | --- | --- |"]
    lines += [f"| {name} | {'yes' if met else 'NO'} | {value} |" for name, met, value in verdicts]
    return "\n".join(lines)


def run(pages: int, rounds: int, keep: Path | None = None) -> str:
    root = Path(tempfile.mkdtemp(prefix="guide-bench-", dir=keep))
    try:
        bench = Bench(root, pages)
        project, plain = Side("project"), Side("plain")
        for number in range(rounds):
            order = (project, plain) if number % 2 == 0 else (plain, project)
            for side in order:
                side.cold.append(bench.cold(side.name))
            for side in order:
                side.warm.append(bench.warm(side.name))
            print(
                f"round {number + 1}: "
                + ", ".join(f"{s.name} cold {s.cold[-1].seconds:.2f} s warm {s.warm[-1].seconds:.2f} s" for s in order),
                file=sys.stderr,
            )
        single = bench.cold("project", one_process=True)
        return report(bench, project, plain, pages, rounds, single)
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build under this folder and keep it")
    args = parser.parse_args(argv)
    print(run(args.pages, args.rounds, args.keep))


if __name__ == "__main__":
    main()
