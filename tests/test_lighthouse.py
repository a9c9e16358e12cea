"""Lighthouse 13 scores the Servers page and its site's home page, and a chapter-50 page and
the contents page of the 1,000-page synthetic guide, each published and served by nginx with
the shipped deploy/nginx.conf (gzip_static): 100 in every category it reports.

`make test` installs Lighthouse with npm into .venv (pinned, no install scripts) and sets
LIGHTHOUSE. It runs Debian's chromium headless, and sends nothing off the machine: error
reporting off, Chromium's background services off, and every host name but 127.0.0.1
resolving to nowhere; the test then checks that every request the report lists went to
127.0.0.1.

Lighthouse's default run emulates a phone: a 4x CPU slowdown, meant for a machine of
benchmark index 1533. A shared 2-core machine under load measures far lower (496 to 1536
here), Lighthouse warns that its performance score suffers, and the score varies from run
to run. When the first run's performance is under 100, the page is run twice more, with
the slowdown Lighthouse's docs give for the measured index (4x from 1533 up), and the median
of the three runs counts, as Lighthouse's docs on variability advise. Every run's figures
are recorded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pelican.plugins.guide.publish import _compress
from reader import record
from test_nginx import running_nginx
from tools import CHROMIUM_ARGS, REPO, chromium_path, missing

# Alone: tests running beside it on a 2-core machine make its timings (total blocking time) vary.
pytestmark = [pytest.mark.browser, pytest.mark.alone]

CATEGORIES = {"performance", "accessibility", "best-practices", "seo", "agentic-browsing"}
SYNTHETIC_PAGE = "s1-example-300.html"  # page 300 of the 325-page section: the longest sidebar
INSTALLED = ".venv/lighthouse-*/node_modules/lighthouse/cli/index.js"
# Chromium resolves no host but the loopback, so nothing can leave the machine.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def lighthouse_command() -> list[str]:
    node = shutil.which("node")
    if node is None:
        missing("node is missing: install npm (it brings node) to run Lighthouse")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    if int(re.match(r"v(\d+)", version).group(1)) < 20:
        missing(
            f"Lighthouse 13 needs Node 20 or later (it declares 22.19; verified on 20.20), found {version}"
        )
    installed = sorted(REPO.glob(INSTALLED))
    cli = Path(os.environ.get("LIGHTHOUSE") or (installed[-1] if installed else INSTALLED))
    if not cli.is_file():
        missing(f"{cli} is missing: `make test` installs it with npm (package lighthouse)")
    return [node, str(cli)]


def cpu_slowdown(benchmark_index: float) -> float:
    """The CPU slowdown that makes a machine of this benchmark index as slow as the phone
    Lighthouse emulates: the calculator Lighthouse's docs point to (docs/throttling.md,
    "CPU throttling"), whose 4x is for an index of 1533."""
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return max(1.0, 1 + (benchmark_index - 150) / 650)


def lighthouse(url: str, output: Path, cpu: float | None = None) -> dict:
    """One Lighthouse run (its default: a phone on a throttled connection; `cpu`, a calibrated
    CPU slowdown), its JSON report."""
    flags = " ".join(
        [*CHROMIUM_ARGS, "--headless=new", "--disable-extensions", "--disable-default-apps", f'"{OFFLINE}"']
    )
    command = [
        *lighthouse_command(),
        url,
        "--quiet",
        "--no-enable-error-reporting",
        f"--chrome-flags={flags}",
        "--disable-full-page-screenshot",
        "--output=json",
        f"--output-path={output}",
    ]
    if cpu is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={cpu:.2f}")
    done = subprocess.run(
        command,
        env={**os.environ, "CHROME_PATH": str(chromium_path())},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(output.read_text())


def performance(report: dict) -> float:
    return report["categories"]["performance"]["score"]


def problems(report: dict) -> list[str]:
    """Every category below 100, with the audits that cost it points; every request that
    left 127.0.0.1."""
    found = []
    for name, category in report["categories"].items():
        if category["score"] != 1:
            lost = [
                ref["id"]
                for ref in category["auditRefs"]
                if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 1
            ]
            found.append(f"{name} scores {category['score']}: {lost}")
    requests = report["audits"]["network-requests"]["details"]["items"]
    found += [
        f"a request left the machine: {item['url']}"
        for item in requests
        if urlsplit(item["url"]).hostname not in ("127.0.0.1", None)
    ]
    return found


@pytest.fixture(scope="module")
def synthetic_site(thousand_guide):
    """The 1,000-page guide as published, with the pages Lighthouse reads compressed by the
    publish step's own function (the session's build compresses only scripts and text files)."""
    for name in (SYNTHETIC_PAGE, "table-of-contents.html"):
        _compress(thousand_guide.output / name)
    return thousand_guide.output


@pytest.mark.parametrize(
    "site, page",
    [
        ("published_site", "servers.html"),
        ("synthetic_site", SYNTHETIC_PAGE),
        ("synthetic_site", "table-of-contents.html"),
        ("published_site", "index.html"),
    ],
)
def test_the_page_scores_100_in_every_category(request, tmp_path, site, page):
    folder = request.getfixturevalue(site)
    folder = getattr(folder, "output", folder)
    with running_nginx(folder, tmp_path) as port:
        url = f"http://127.0.0.1:{port}/{page}"
        runs = [lighthouse(url, tmp_path / "report.json")]
        index = runs[0]["environment"]["benchmarkIndex"]
        # Under 100 at first: two more runs, with the CPU slowdown Lighthouse's docs give for
        # the machine's benchmark index (4x from 1533 up), and the median run counts, as
        # Lighthouse's docs on variability advise.
        if performance(runs[0]) != 1:
            runs += [
                lighthouse(url, tmp_path / "report.json", min(4.0, cpu_slowdown(index))) for _ in range(2)
            ]
    report = sorted(runs, key=performance)[len(runs) // 2]
    scores = {name: category["score"] for name, category in report["categories"].items()}
    record(
        f"Lighthouse {report['lighthouseVersion']} {page}",
        {
            **scores,
            "benchmark index": round(index),
            "performance of each run": [performance(run) for run in runs],
            "cpu slowdown of each run": [
                run["configSettings"]["throttling"]["cpuSlowdownMultiplier"] for run in runs
            ],
        },
    )
    assert set(scores) == CATEGORIES
    assert problems(report) == []


def test_the_report_check_names_a_lost_point_and_a_request_off_the_machine():
    """A report as Lighthouse writes it, for a page that lost a point and tried another host."""
    report = {
        "categories": {
            "seo": {
                "score": 0.91,
                "auditRefs": [{"id": "meta-description", "weight": 1}, {"id": "hreflang", "weight": 1}],
            }
        },
        "audits": {
            "meta-description": {"score": 0},
            "hreflang": {"score": 1},
            "network-requests": {
                "details": {
                    "items": [{"url": "http://127.0.0.1:8000/x.html"}, {"url": "http://example.com/x.png"}]
                }
            },
        },
    }
    assert problems(report) == [
        "seo scores 0.91: ['meta-description']",
        "a request left the machine: http://example.com/x.png",
    ]


@pytest.mark.parametrize("ci, outcome", [("", pytest.skip.Exception), ("true", pytest.fail.Exception)])
def test_without_lighthouse_the_test_skips_and_fails_under_ci(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setenv("LIGHTHOUSE", str(tmp_path / "no-lighthouse.js"))
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="is missing: `make test` installs it"):
        lighthouse_command()
