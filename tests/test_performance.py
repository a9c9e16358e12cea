"""The benchmark runs; Markdown on both cores gives the same bytes; the check skips only what passed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONFFILE, REPO
from perf import bench
from perf.synthetic import write_guide


def build(content: Path, output: Path, *settings: str, verbose: bool = False) -> subprocess.CompletedProcess:
    command = [
        sys.executable, "-m", "guide_build", str(content), "-o", str(output), "-s", str(CONFFILE),
        "--cache-path", str(output.parent / f".cache-{output.name}"),
    ]  # fmt: skip
    if settings:
        command += ["-e", *settings]
    if verbose:
        command.append("-v")
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def files_of(output: Path) -> dict[str, bytes]:
    return {str(path.relative_to(output)): path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}


def test_bench_prints_the_table_on_a_tiny_guide():
    table = bench.run(pages=12, rounds=1)
    assert "| cold (s) |" in table and "| warm (s) |" in table
    assert "| peak memory (MiB) |" in table
    assert "Check plugin:" in table
    assert "sidebar bytes per page" in table
    assert "| check ≤ 10 % of the cold build |" in table


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the parallel reader forks")
def test_markdown_on_both_cores_writes_the_same_bytes_as_one_process(tmp_path):
    write_guide(tmp_path / "content", 40)
    one = build(tmp_path / "content", tmp_path / "one", 'GUIDE_READ={"workers": 1}')
    two = build(tmp_path / "content", tmp_path / "two", 'GUIDE_READ={"workers": 2}', verbose=True)
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    assert "guide_read: converted 40 pages on 2 processes" in two.stderr
    # The same warnings, in the same order, whichever process converted the page.
    warnings = lambda result: [l for l in result.stderr.splitlines() if l.startswith("warning")]  # noqa: E731
    assert warnings(one) == warnings(two) and len(warnings(one)) == 40
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")
    assert len(files_of(tmp_path / "one")) == 43


def test_check_skips_only_pages_that_passed_unchanged(tmp_path):
    content = tmp_path / "content"
    write_guide(content, 20)
    timing = tmp_path / "timing.json"
    setting = "GUIDE_CHECK=" + json.dumps({"timing_file": str(timing)})

    def checked() -> dict:
        result = build(content, tmp_path / "out", setting)
        assert result.returncode == 0, result.stderr
        return json.loads(timing.read_text())

    cold = checked()
    assert (cold["checked"], cold["skipped"]) == (23, 0)  # 20 pages, index, contents, 404
    first = checked()
    assert (first["checked"], first["skipped"]) == (0, 23)  # nothing changed since the last build
    page = next((content / "pages").rglob("*.markdown"))
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    second = checked()
    assert (second["checked"], second["skipped"]) == (1, 22)  # only the edited page
    (page.parent / "new.markdown").write_text(
        "title: New\nslug: new-page\nsortorder: 990001\n\nNew text.\n", encoding="utf-8"
    )
    third = checked()
    assert (third["checked"], third["skipped"]) == (24, 0)  # a new file: every link is checked anew


def test_check_beside_the_build_reports_what_the_check_at_the_end_reports(tmp_path):
    """A theme that links every page to a file no build writes: the same errors either way,
    on a cold build and on a warm one whose pages passed before."""
    content = tmp_path / "content"
    write_guide(content, 20)
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    good = build(content, tmp_path / "out", f"THEME={json.dumps(str(theme))}")
    assert good.returncode == 0, good.stderr
    base = theme / "templates" / "base.html"
    base.write_text(
        base.read_text().replace("</footer>", '<a href="{{ SITEURL }}/missing.html">Gone</a></footer>')
    )
    results = {
        workers: build(
            content, tmp_path / "out", f"THEME={json.dumps(str(theme))}",
            "GUIDE_CHECK=" + json.dumps({"workers": workers}),
        )  # fmt: skip
        for workers in (1, 2)
    }
    errors = {workers: [l for l in r.stderr.splitlines() if "missing.html" in l] for workers, r in results.items()}
    assert all(result.returncode == 1 for result in results.values())
    assert errors[1] == errors[2]
    assert len(errors[2]) == 23  # 20 pages, index, contents, 404: one line each
    assert 'link "Gone" points to ./missing.html, but missing.html was not written' in errors[2][0]
