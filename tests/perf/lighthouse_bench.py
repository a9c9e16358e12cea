"""`make bench ONLY=lighthouse`: Lighthouse's performance score of the published Servers page.

The score is worked out from the CPU time the page took here, so it moves with the machine's
load: a figure, never a test's assertion (tests/test_lighthouse.py asserts what load cannot
move). Every run is the same, Lighthouse's default phone (simulated throttling, 4x CPU); the
median of the rounds counts, as Lighthouse's docs on variability advise, with the machine's
benchmark index and load average beside it.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def measure(rounds: int) -> dict:
    sys.path.insert(0, str(TESTS))
    from conftest import PUBLISHCONF, SEED_CONTENT, run_build
    from lighthouse import lighthouse, performance
    from test_nginx import running_nginx

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        built = run_build(SEED_CONTENT, root / "output", conffile=PUBLISHCONF)
        if built.returncode != 0:
            raise RuntimeError(built.stderr)
        with running_nginx(built.output, root) as port:
            reports = [
                lighthouse(f"http://127.0.0.1:{port}/servers.html", root / "report.json")
                for _ in range(rounds)
            ]
    audits = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time")
    return {
        "performance": [performance(report) for report in reports],
        **{
            audit: statistics.median(report["audits"][audit]["numericValue"] for report in reports)
            for audit in audits
        },
        "benchmark index": statistics.median(report["environment"]["benchmarkIndex"] for report in reports),
        "version": reports[0]["lighthouseVersion"],
    }


def row(result: dict) -> str:
    scores = result["performance"]
    return (
        f"Lighthouse {result['version']}, published Servers page, default phone (simulated, 4x CPU): "
        f"performance {statistics.median(scores) * 100:.0f} (median of {len(scores)}: "
        f"{', '.join(f'{score * 100:.0f}' for score in scores)}); "
        f"FCP {result['first-contentful-paint']:.0f} ms, LCP {result['largest-contentful-paint']:.0f} ms, "
        f"TBT {result['total-blocking-time']:.0f} ms; benchmark index {result['benchmark index']:.0f}, "
        f"load average {os.getloadavg()[0]:.1f}."
    )
