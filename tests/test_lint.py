"""The code stays as `ruff format` writes it and `ruff check` finds nothing in it (the rules
are pyproject.toml's). Ruff is the one next to this Python (requirements-test.txt pins it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.parametrize(
    "command", [["format", "--check"], ["check"]], ids=["ruff format --check", "ruff check"]
)
def test_ruff_finds_nothing(command):
    if not RUFF.is_file():
        pytest.fail(f"{RUFF} is missing: pip install -r requirements-test.txt", pytrace=False)
    # --no-cache: a test run leaves no .ruff_cache behind.
    result = subprocess.run(
        [str(RUFF), *command, "--no-cache", "."], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        pytest.fail(f"ruff {' '.join(command)} .:\n{result.stdout}{result.stderr}", pytrace=False)
