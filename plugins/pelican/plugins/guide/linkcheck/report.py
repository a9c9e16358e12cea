"""What a run tells the author: each finding under its source file, with the line, the
link's text and the URL; a summary line with counts; the progress while it runs; and the
same report as JSON for CI.

Every string in it passes through `untrusted.shown`: what a page or a host wrote is one
clean line (no control character reaches the terminal, the JSON is valid UTF-8) and no
address shows its credentials."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import unquote

from .checker import (
    ANCHOR_MISSING,
    BROKEN,
    MOVED,
    OK,
    RATE_LIMITED,
    TIMED_OUT,
    WARNINGS,
    Outcome,
)
from .links import Link
from .pageids import fragment_found
from .untrusted import shown

KINDS = (BROKEN, MOVED, TIMED_OUT, RATE_LIMITED, ANCHOR_MISSING)


@dataclass(frozen=True)
class Finding:
    link: Link
    kind: str
    detail: str


def findings(
    links: list[Link], outcomes: dict[str, Outcome], fragments: dict[str, set[str]]
) -> list[Finding]:
    """One finding per link that is not fine. `fragments` are, per URL, those checked."""
    found = []
    for link in links:
        outcome = outcomes.get(link.target)
        if outcome is None:
            continue  # ignored
        kind, detail = outcome.kind, outcome.detail
        fragment = link.fragment
        if (
            outcome.ids is not None
            and fragment in fragments.get(link.target, ())
            and not fragment_found(fragment, outcome.ids)
        ):
            missing = f'no id "{unquote(fragment)}" on the page'
            if outcome.ids_limit:
                missing += f" ({outcome.ids_limit})"
            kind, detail = (ANCHOR_MISSING, missing) if kind == OK else (kind, f"{detail}; {missing} either")
        if kind != OK:
            found.append(Finding(link, kind, detail))
    return sorted(found, key=lambda finding: (finding.link.source, finding.link.line or 0, finding.link.url))


def _place(link: Link) -> str:
    return str(link.line) if link.line is not None else f"on {link.where}"


def text(found: list[Finding]) -> str:
    """By source file; each line: where, what, the link's text and its URL."""
    lines = []
    for source, group in groupby(found, key=lambda finding: finding.link.source):
        lines.append(shown(source))
        for finding in group:
            label = f'"{shown(finding.link.text)}" ' if finding.link.text else ""
            lines.append(
                f"  {shown(_place(finding.link))}: {finding.kind} ({shown(finding.detail)}): "
                f"{label}{shown(finding.link.url)}"
            )
        lines.append("")
    return "\n".join(lines)


def counts(
    links: list[Link], outcomes: dict[str, Outcome], found: list[Finding], ignored: int, seconds: float
) -> dict:
    per_url = {kind: 0 for kind in (OK, *KINDS)}
    for outcome in outcomes.values():
        per_url[outcome.kind] += 1
    return {
        "urls": len(outcomes),
        "links": len(links),
        "ok": per_url[OK],
        "cached": sum(outcome.cached for outcome in outcomes.values()),
        "broken": per_url[BROKEN],
        "moved": per_url[MOVED],
        "timed out": per_url[TIMED_OUT],
        "rate-limited": per_url[RATE_LIMITED],
        "anchor missing": sum(finding.kind == ANCHOR_MISSING for finding in found),
        "ignored": ignored,
        "seconds": round(seconds, 2),
    }


def summary(figures: dict) -> str:
    kinds = ", ".join(f"{figures[kind]:,} {kind}" for kind in KINDS)
    return (
        f"linkcheck: {figures['urls']:,} URLs in {figures['links']:,} links, {figures['seconds']:.1f} s: "
        f"{figures['ok']:,} ok ({figures['cached']:,} from the cache), "
        f"{kinds}, {figures['ignored']:,} ignored"
    )


def warnings_of(found: list[Finding]) -> int:
    return sum(finding.kind in WARNINGS for finding in found)


def as_json(found: list[Finding], figures: dict, strict: bool, status: int) -> dict:
    files = []
    for source, group in groupby(found, key=lambda finding: finding.link.source):
        files.append(
            {
                "source": shown(source),
                "findings": [
                    {
                        "line": finding.link.line,
                        "where": shown(finding.link.where) if finding.link.where else None,
                        "result": finding.kind,
                        "detail": shown(finding.detail),
                        "text": shown(finding.link.text),
                        "url": shown(finding.link.url),
                    }
                    for finding in group
                ],
            }
        )
    return {"summary": figures, "strict": strict, "exit_status": status, "files": files}


class Progress:
    """A bar on a terminal (rich); elsewhere (CI, a pipe) one line per tenth of the URLs."""

    def __init__(self, total: int, stream=None):
        self.total = total
        self.stream = stream or sys.stderr
        self.done = 0
        self.broken = 0
        self.started = time.perf_counter()
        self.next_tenth = 1
        self.bar = None
        if total and self.stream.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import (
                Progress as Bar,
            )

            self.bar = Bar(
                TextColumn("linkcheck"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("URLs"),
                TimeElapsedColumn(),
                TextColumn("{task.fields[broken]} broken"),
                console=Console(file=self.stream),
                transient=True,
            )
            self.task = self.bar.add_task("", total=total, broken=0)
            self.bar.start()

    def advance(self, outcome: Outcome) -> None:
        self.done += 1
        self.broken += outcome.kind == BROKEN
        if self.bar is not None:
            self.bar.update(self.task, advance=1, broken=self.broken)
            return
        while self.next_tenth <= 10 and self.done * 10 >= self.next_tenth * self.total:
            print(
                f"linkcheck: {self.next_tenth * 10}% "
                f"({self.done:,} of {self.total:,} URLs, {self.broken:,} broken) "
                f"in {time.perf_counter() - self.started:.1f} s",
                file=self.stream,
                flush=True,
            )
            self.next_tenth += 1

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
