"""Lighthouse 13 scores the Servers page and its site's home page, the manual's home page and
its longest page, and a chapter-50 page and the contents page of the 1,000-page synthetic
guide, each published and served by nginx with the shipped deploy/nginx.conf (gzip_static):
100 in every category whose score does not depend on how busy the machine is.

`make test` installs Lighthouse with npm into .venv (pinned, no install scripts) and runs it
with the Node of requirements-test.txt. It runs Debian's chromium headless, and sends
nothing off the machine (tests/lighthouse.py says how).

Every run is the same: Lighthouse's default phone, its simulated throttling with the
default 4x CPU slowdown, whatever the score. The performance score is worked out from the
CPU time the page took here, so it moves with the machine's load: the test records it, and
asserts only what load cannot move (no layout shift); `make bench ONLY=lighthouse` gives it
as a figure, the median of several runs.
"""

from __future__ import annotations

import pytest
from lighthouse import CATEGORIES, lighthouse, lighthouse_command, performance, problems
from pelican.plugins.guide.publish import _compress
from reader import record
from test_nginx import running_nginx

pytestmark = pytest.mark.browser

SYNTHETIC_PAGE = "s1-example-300.html"  # page 300 of the 325-page section: the longest sidebar


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
        ("published_docs", "index.html"),
        ("published_docs", "settings.html"),
    ],
)
def test_the_page_scores_100_in_every_category_load_cannot_move(request, tmp_path, site, page):
    folder = request.getfixturevalue(site)
    folder = getattr(folder, "output", folder)
    with running_nginx(folder, tmp_path) as port:
        report = lighthouse(f"http://127.0.0.1:{port}/{page}", tmp_path / "report.json")
    scores = {name: category["score"] for name, category in report["categories"].items()}
    record(
        f"Lighthouse {report['lighthouseVersion']} {page}",
        {
            **scores,
            "benchmark index": round(report["environment"]["benchmarkIndex"]),
            "cpu slowdown": report["configSettings"]["throttling"]["cpuSlowdownMultiplier"],
        },
    )
    assert set(scores) == CATEGORIES
    assert report["configSettings"]["throttlingMethod"] == "simulate"
    assert problems(report) == []
    assert performance(report) is not None


def test_the_report_check_names_a_lost_point_and_a_request_off_the_machine():
    """A report as Lighthouse writes it, for a page that lost a point, shifted its layout and
    tried another host; its performance score, which load moves, is no problem."""
    report = {
        "categories": {
            "performance": {"score": 0.62, "auditRefs": [{"id": "total-blocking-time", "weight": 30}]},
            "seo": {
                "score": 0.91,
                "auditRefs": [{"id": "meta-description", "weight": 1}, {"id": "hreflang", "weight": 1}],
            },
        },
        "audits": {
            "meta-description": {"score": 0},
            "hreflang": {"score": 1},
            "total-blocking-time": {"score": 0.2},
            "cumulative-layout-shift": {"score": 0.5},
            "network-requests": {
                "details": {
                    "items": [{"url": "http://127.0.0.1:8000/x.html"}, {"url": "http://example.com/x.png"}]
                }
            },
        },
    }
    assert problems(report) == [
        "seo scores 0.91: ['meta-description']",
        "cumulative-layout-shift scores 0.5",
        "a request left the machine: http://example.com/x.png",
    ]


@pytest.mark.parametrize("ci, outcome", [("", pytest.skip.Exception), ("true", pytest.fail.Exception)])
def test_without_lighthouse_the_test_skips_and_fails_under_ci(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setenv("LIGHTHOUSE", str(tmp_path / "no-lighthouse.js"))
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="is missing: `make test` installs it"):
        lighthouse_command()


def test_lighthouse_runs_on_the_pinned_node_never_the_machines(monkeypatch, tmp_path):
    """A node too old for Lighthouse 13 (as Debian 12's 18 is) is named, not used."""
    old = tmp_path / "node"
    old.write_text("#!/bin/sh\necho v18.20.4\n")
    old.chmod(0o755)
    monkeypatch.setenv("NODE", str(old))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(
        pytest.fail.Exception, match=r"Lighthouse 13\.5 needs Node 22\.19 or later, .* is v18\.20\.4"
    ):
        lighthouse_command()
