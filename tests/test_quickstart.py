"""`guide-quickstart DIR`: a new guide that builds and passes the check as written, never
over a file that exists, asking nothing with --yes; its .gitignore covers everything the
builds keep; its workflow passes GitHub's schema and zizmor; the manual shows exactly what
it writes (its page's blocks are compared with the package's own files)."""

from __future__ import annotations

import os
import re
import runpy
import signal
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from pelican.plugins.guide.quickstart import DEFAULTS, render, starter_files
from ruamel.yaml import YAML
from test_github import check_jsonschema, zizmor
from tools import free_port

BIN = Path(sys.executable).parent
QUICKSTART = BIN / "guide-quickstart"


def quickstart(folder: Path, *args: str, answers: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(QUICKSTART), str(folder), *args],
        input=answers,
        capture_output=True,
        text=True,
        stdin=None if answers is not None else subprocess.DEVNULL,
        timeout=60,
    )


def make(folder: Path, target: str, **variables: str) -> subprocess.CompletedProcess:
    command = [
        "make",
        "--no-print-directory",
        target,
        f"BIN={BIN}/",
        *(f"{k}={v}" for k, v in variables.items()),
    ]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout


def test_a_new_guide_builds_and_passes_the_check_and_git_sees_only_its_sources(tmp_path):
    folder = tmp_path / "my-guide"
    done = quickstart(folder, "--yes")
    assert done.returncode == 0, done.stderr
    written = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    assert written == starter_files()
    assert "Title of the guide" not in done.stdout  # asked nothing
    assert done.stdout.rstrip().endswith(f"Next: cd {folder} && make html  (make help lists the rest)")

    built = make(folder, "html")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "guide: 3 pages" in built.stdout and "0 warnings, 0 errors" in built.stdout
    assert not built.stderr  # no warning, not even Pelican's own about feeds or the time zone
    welcome, writing = (
        (folder / "output" / "welcome.html").read_text(),
        (folder / "output" / "writing-pages.html").read_text(),
    )
    assert "2. Writing" in welcome and "1. Getting started" in writing  # both chapters in every sidebar
    assert 'src="img/page-layout.svg"' in writing and (folder / "output" / "img" / "page-layout.svg").exists()
    assert 'class="admonition note"' in welcome
    helped = make(folder, "help").stdout
    for target in ("make html", "make devserver", "make publish", "make github", "make clean"):
        assert target in helped
    github = make(folder, "github", MAKEFLAGS="-n").stdout  # what it would run: publish, then push
    assert "guide-build content -o output -s publishconf.py" in github and "ghp-import -n" in github
    assert "git push origin gh-pages" in github

    # Everything the builds keep is ignored by git, and nothing lands in the site root.
    git(folder, "init", "-q")
    port = free_port()
    server = subprocess.Popen(
        ["make", "--no-print-directory", "devserver", f"BIN={BIN}/", f"PORT={port}"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        for line in server.stdout:
            if line.startswith("devserver: serving"):
                break
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    untracked = git(folder, "status", "--porcelain", "--untracked-files=all").split("\n")
    assert sorted(line[3:] for line in untracked if line) == starter_files()
    assert (folder / ".devserver").is_dir() and (folder / ".cache").is_dir()
    assert sorted(name for name in os.listdir(folder) if name.startswith(".")) == [
        ".cache",
        ".devserver",
        ".git",
        ".github",
        ".gitignore",
    ]


def test_it_never_overwrites_a_file_and_asks_for_the_title_and_address(tmp_path):
    folder = tmp_path / "guide"
    folder.mkdir()
    (folder / "Makefile").write_text("mine\n")
    done = quickstart(folder, answers='A "Quoted" Guide\nnot an address\nhttps://docs.example.net/guide\n')
    assert done.returncode == 0, done.stderr
    assert (folder / "Makefile").read_text() == "mine\n"
    assert f"kept {folder}/Makefile: it exists, and is left as it is" in done.stdout
    assert "Title of the guide [My Guide]:" in done.stdout
    assert "the address must be an absolute http(s) address" in done.stdout  # asked again
    settings = runpy.run_path(str(folder / "pelicanconf.py"))
    assert settings["SITENAME"] == 'A "Quoted" Guide'
    assert settings["GUIDE_PUBLIC_URL"] == "https://docs.example.net/guide"

    again = quickstart(folder, "--yes", "--title", "Other")
    assert again.returncode == 0 and "wrote" not in again.stdout
    assert runpy.run_path(str(folder / "pelicanconf.py"))["SITENAME"] == 'A "Quoted" Guide'

    (tmp_path / "a-file").write_text("")
    refused = quickstart(tmp_path / "a-file", "--yes")
    assert (
        refused.returncode == 1
        and refused.stderr == f"error: {tmp_path / 'a-file'} is a file; choose a folder for the new guide\n"
    )


def test_the_new_guides_workflow_passes_githubs_schema_and_zizmor(tmp_path):
    assert quickstart(tmp_path, "--yes").returncode == 0
    workflow = tmp_path / ".github" / "workflows" / "pages.yml"
    checked = check_jsonschema(workflow)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    audited = zizmor(workflow)
    assert audited.returncode == 0, audited.stdout + audited.stderr
    steps = YAML(typ="safe").load(workflow.read_text())["jobs"]["build"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # each page's date is its last commit's
    assert any(step.get("run") == "make publish STRICT=1" for step in steps)
    assert (tmp_path / "requirements.txt").read_text().splitlines()[-1].startswith("pelican-guide==")


MANUAL_PAGE = REPO / "docs" / "content" / "pages" / "01-start" / "new-guide.md"


def manual_blocks() -> dict[str, str]:
    """The manual's copies of the new guide's files: a fenced block after `<!-- new-guide: NAME -->`."""
    text = MANUAL_PAGE.read_text(encoding="utf-8")
    return {
        name: body
        for name, body in re.findall(r"<!-- new-guide: (\S+) -->\n```[a-z]*\n(.*?)```\n", text, re.DOTALL)
    }


def test_the_manual_shows_exactly_what_the_quickstart_writes():
    blocks = manual_blocks()
    assert blocks.pop("files").split() == starter_files()
    assert blocks, "the manual shows no file of the new guide"
    for name, shown in blocks.items():
        assert shown == render(name, DEFAULTS), (
            f"the manual's {name} differs from what guide-quickstart writes"
        )


def test_the_manual_check_names_a_file_that_drifted(monkeypatch):
    from pelican.plugins.guide import quickstart as module

    original = module.render
    monkeypatch.setattr(
        module, "render", lambda name, values: original(name, values).replace("PLUGINS", "PLUGIN")
    )
    blocks = manual_blocks()
    blocks.pop("files")
    drifted = [name for name, shown in blocks.items() if shown != module.render(name, DEFAULTS)]
    assert drifted == ["pelicanconf.py"]
