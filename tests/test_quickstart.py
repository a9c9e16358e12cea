"""`guide-quickstart DIR`: a new guide that builds and passes the check as written, never
over a file that exists, asking nothing with --yes; its .gitignore covers everything the
builds keep; its workflow passes GitHub's schema and zizmor; the manual shows exactly what
it writes (its page's blocks are compared with the package's own files)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import runpy
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from pelican.plugins.guide import quickstart as quickstart_module
from pelican.plugins.guide.quickstart import (
    DEFAULTS,
    package_requirement,
    render,
    requirement_from,
    starter_files,
)
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
    assert (tmp_path / "requirements.txt").read_text().splitlines()[-1] == package_requirement()


@pytest.mark.parametrize(
    ("direct_url", "line"),
    [
        (None, "pelican-guide==2.0.0"),  # from a package index
        ({"url": "file:///src/pelican-guide", "dir_info": {}}, "pelican-guide @ file:///src/pelican-guide"),
        (
            {"url": "file:///src/pelican-guide", "dir_info": {"editable": True}},
            "pelican-guide @ file:///src/pelican-guide",
        ),
        (
            {
                "url": "https://github.com/o/pelican-guide.git",
                "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": "0123abc"},
            },
            "pelican-guide @ git+https://github.com/o/pelican-guide.git@0123abc",
        ),
        (
            {"url": "file:///src/pelican-guide", "vcs_info": {"vcs": "git", "commit_id": "0123abc"}},
            "pelican-guide @ git+file://localhost/src/pelican-guide@0123abc",
        ),
        (
            {
                "url": "file:///w/pelican_guide-2.0.0-py3-none-any.whl",
                "archive_info": {"hash": "sha256=ab12", "hashes": {"sha256": "ab12"}},
            },
            "pelican-guide @ file:///w/pelican_guide-2.0.0-py3-none-any.whl#sha256=ab12",
        ),
        (
            {"url": "https://e.org/pelican_guide-2.0.0.tar.gz", "archive_info": {"hash": "sha256=cd34"}},
            "pelican-guide @ https://e.org/pelican_guide-2.0.0.tar.gz#sha256=cd34",
        ),
        (
            {"url": "https://e.org/g.zip", "archive_info": {}, "subdirectory": "pkg"},
            "pelican-guide @ https://e.org/g.zip#subdirectory=pkg",
        ),
    ],
)
def test_the_requirement_installs_the_pelican_guide_that_ran_it(direct_url, line):
    assert requirement_from(direct_url, "2.0.0") == line


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


# At its limits: Ctrl-C, a full disk, what it is given, links --------------------------


def test_ctrl_c_at_the_prompt_is_one_line_and_a_non_zero_exit(tmp_path):
    """8: no traceback; nothing written; status 130, as a shell reports an interrupt."""
    folder = tmp_path / "guide"
    process = subprocess.Popen(
        [str(QUICKSTART), str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        asked = b""
        while b"Title of the guide [My Guide]: " not in asked:
            chunk = os.read(process.stdout.fileno(), 4096)  # the prompt ends with no line end
            assert chunk, process.stderr.read()
            asked += chunk
        # Its input stays open: closed, the prompt could read its end before the signal and
        # answer that instead. A signal that comes between the prompt's write and its read
        # waits for the read to end, as in a terminal: Ctrl-C again, as a person would.
        for _ in range(150):
            process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
                break
        err = process.stderr.read()
    finally:
        process.kill()
        process.stdin.close()
    assert process.returncode == 130
    assert err.decode().splitlines() == ["error: interrupted; nothing was written"]
    assert not folder.exists()


class FullDisk:
    """os.fdopen for files that hold `room` more bytes, then fail as a full disk does: what
    fits is written, then ENOSPC."""

    def __init__(self, room: int):
        self.room = room
        self.real = os.fdopen

    def __call__(self, handle, mode="r", *args, **kwargs):
        opened = self.real(handle, mode, *args, **kwargs)
        if "w" not in mode:
            return opened
        disk = self

        class Filling:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                opened.close()

            def write(self, data):
                fits = data[: max(disk.room, 0)]
                opened.write(fits)
                opened.flush()
                disk.room -= len(fits)
                if len(fits) < len(data):
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return len(data)

        return Filling()


def test_on_a_full_disk_each_file_is_whole_or_absent_and_a_rerun_finishes(tmp_path, monkeypatch, capsys):
    """9: the disk fills halfway through the image: the error says so in words and names
    the file; no file is cut short (no 0-byte image), no temporary file is left; the next
    run writes the rest and keeps what was written."""
    folder = tmp_path / "guide"
    names = starter_files()
    image = "content/img/page-layout.svg"
    before = names[: names.index(image)]
    expected = {name: quickstart_module.file_data(name, DEFAULTS) for name in names}
    room = sum(len(expected[name]) for name in before) + len(expected[image]) // 2
    monkeypatch.setattr(os, "fdopen", FullDisk(room))
    with pytest.raises(SystemExit) as stopped:
        quickstart_module.main([str(folder), "--yes"])
    monkeypatch.undo()
    assert stopped.value.code == (
        f"error: cannot write the new guide in {folder}: No space left on device, writing {image}; "
        f"the {len(before)} files written before it are whole, and nothing of that file was left: "
        "make room and run it again, which keeps what is there"
    )
    on_disk = {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }
    assert on_disk == {name: expected[name] for name in before}  # whole, and nothing else
    capsys.readouterr()

    quickstart_module.main([str(folder), "--yes"])
    printed = capsys.readouterr().out
    assert f"wrote {folder}/{image}" in printed and f"kept {folder}/{before[0]}: it exists" in printed
    on_disk = {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }
    assert on_disk == expected


def test_a_file_an_earlier_run_cut_short_is_completed(tmp_path):
    """9: the 0-byte image an older version left on a full disk is not kept: the rerun
    completes it (it holds only the start of what would be written); a file of the
    author's own is kept."""
    folder = tmp_path / "guide"
    (folder / "content" / "img").mkdir(parents=True)
    (folder / "content" / "img" / "page-layout.svg").write_bytes(b"")
    (folder / "Makefile").write_text("mine\n")
    done = quickstart(folder, "--yes")
    assert done.returncode == 0, done.stderr
    image = folder / "content" / "img" / "page-layout.svg"
    assert image.read_bytes() == quickstart_module.file_data("content/img/page-layout.svg", DEFAULTS)
    assert (
        f"completed {folder}/content/img/page-layout.svg: an earlier run had written only its start"
        in done.stdout
    )
    assert (folder / "Makefile").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--url", "https://x.org/\ny"),
        ("--url", "https://x.org/\x1b[31m"),
        ("--url", "https://x.org/a b"),
        ("--url", "javascript:alert(1)"),
        ("--url", "https://"),
        ("--url", "https://x.org:99999/"),
        ("--url", "https://user:secret@x.org/"),
        ("--title", ""),
        ("--title", "A\nB"),
        ("--title", "Red \x1b[31mtitle"),
        ("--title", "T" * 201),
    ],
    ids=repr,
)
def test_every_option_is_checked_on_the_command_line_in_one_line(tmp_path, option, value):
    """10: refused before anything is written, in one line that shows the value as text."""
    folder = tmp_path / "guide"
    with pytest.raises(SystemExit) as refused:
        quickstart_module.main([str(folder), "--yes", option, value])
    message = refused.value.code  # what sys.exit prints, then exit status 1
    assert "\n" not in message and "\x1b" not in message and not folder.exists()
    assert message.startswith(f"error: {option} {json.dumps(value)}: the ")


def test_every_answer_is_checked_at_the_prompt(tmp_path):
    """10: the same rules at the prompt: a wrong answer is said, then asked again."""
    folder = tmp_path / "guide"
    done = quickstart(
        folder, answers="Red \x1b[31mtitle\nGood title\nhttps://x.org/\x00y\nhttps://x.org/ok\n"
    )
    assert done.returncode == 0, done.stderr
    assert 'with no control character: "Red \\u001b[31mtitle"' in done.stdout
    assert (
        'with no space, quote, control character, query or fragment: "https://x.org/\\u0000y"' in done.stdout
    )
    settings = runpy.run_path(str(folder / "pelicanconf.py"))
    assert settings["SITENAME"] == "Good title" and settings["GUIDE_PUBLIC_URL"] == "https://x.org/ok"


@pytest.mark.parametrize("linked", ["the folder", "content"])
def test_a_linked_folder_is_refused_unless_told(tmp_path, linked):
    """10: a folder of the new guide that is a link elsewhere would have it write there:
    refused in one line with nothing written, unless --follow-links."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = tmp_path / "guide"
    if linked == "the folder":
        folder.symlink_to(elsewhere)
        link = folder
    else:
        folder.mkdir()
        link = folder / "content"
        link.symlink_to(elsewhere)
    refused = quickstart(folder, "--yes")
    assert refused.returncode == 1 and list(elsewhere.iterdir()) == []
    assert refused.stderr == (
        f"error: {link} is a link to {elsewhere}; guide-quickstart writes only into real folders, so that "
        "nothing lands outside the new guide (--follow-links writes through it)\n"
    )
    told = quickstart(folder, "--yes", "--follow-links")
    assert told.returncode == 0, told.stderr
    assert any(elsewhere.rglob("*.md"))
