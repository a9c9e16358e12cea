"""The author's commands explain themselves: `--help` lists each command's own options and the
Pelican options it passes on, an option that would do nothing is refused in one line, and
links sent to the complete guide are one line unless `-v` asks for each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def command(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("name", "own"),
    [
        ("guide-build", ["--strict", "--no-wait"]),
        (
            "guide-devserver",
            [
                "--no-serve",
                "--no-build",
                "-b HOST, --bind HOST",
                "-p PORT, --port PORT",
                "--strict",
                "--no-wait",
            ],
        ),
        ("guide-quickstart", ["-y, --yes", "--title TITLE", "--url URL"]),
        ("guide-linkcheck", ["--strict", "--json FILE"]),
    ],
)
def test_help_lists_each_commands_own_options_with_a_line_each(name, own):
    done = command(name, "--help")
    assert done.returncode == 0 and not done.stderr
    lines = done.stdout.splitlines()
    for option in own:
        line = next((line for line in lines if line.strip().startswith(option)), None)
        assert line is not None, f"{name} --help does not list {option}"
        described = line.split(option, 1)[1].strip() or lines[lines.index(line) + 1].strip()
        assert described, f"{option} has no help line"
    assert "A tool to generate a static blog" not in done.stdout  # not Pelican's own help
    if name != "guide-quickstart":
        assert "Pelican's options, passed on:" in done.stdout
        for passed in (
            "-s FILE, --settings FILE",
            "-o FOLDER, --output FOLDER",
            "--ignore-cache",
            "-D, --debug",
            "-v, --verbose",
        ):
            assert passed in done.stdout
        for ignored in ("--autoreload", "--listen", "--delete-output-directory", "--fatal"):
            assert ignored not in done.stdout


@pytest.mark.parametrize(
    ("name", "args", "line"),
    [
        (
            "guide-build",
            ["-r", "content"],
            "error: guide-build does not take -r: "
            "use guide-devserver --no-serve (make regenerate) to rebuild on every save",
        ),
        (
            "guide-build",
            ["--listen"],
            "error: guide-build does not take --listen: "
            "use guide-devserver (make devserver), or guide-devserver --no-build (make serve)",
        ),
        (
            "guide-build",
            ["-p", "8000"],
            "error: guide-build does not take -p: serving is guide-devserver's (make devserver PORT=...)",
        ),
        (
            "guide-devserver",
            ["-r"],
            "error: guide-devserver does not take -r: "
            "use guide-devserver --no-serve (make regenerate) to rebuild on every save",
        ),
        (
            "guide-devserver",
            ["--no-serve", "--no-build"],
            "error: guide-devserver: argument --no-build: not allowed with argument --no-serve "
            "(guide-devserver --help lists the options)",
        ),
        (
            "guide-build",
            ["--frobnicate"],
            "error: guide-build: unrecognized arguments: --frobnicate (guide-build --help lists the options)",
        ),
    ],
)
def test_an_option_that_would_do_nothing_is_refused_in_one_line(name, args, line):
    done = command(name, *args)
    assert done.returncode == 2
    assert done.stderr == line + "\n" and not done.stdout


def test_links_to_the_complete_guide_are_one_line_and_v_lists_each(guide):
    guide.page(
        "a.md",
        "See [one](/gone-one.html), [two](/gone-two.html) and [three](/gone-one.html#part).\n",
        title="A",
        slug="a",
        sortorder="0100",
        toc="yes",
    )
    quiet = guide.build()
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr.splitlines() == ["info: 3 links go to the complete guide; -v lists them"]
    assert "3 links to the complete guide" in quiet.summary

    listed = guide.build(options=("-v",))
    lines = listed.stderr.splitlines()
    lines = [
        line for line in lines if "GUIDE_CHAPTERS" not in line
    ]  # the chapters only the complete guide has
    assert len(lines) == 3 and all(line.startswith("info: ") and "a.md: /gone-" in line for line in lines)
    assert (
        sum("/gone-one.html" in line for line in lines) == 2
        and sum("/gone-two.html" in line for line in lines) == 1
    )
    assert "-v lists them" not in listed.stderr
