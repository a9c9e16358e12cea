"""What the build never does to an author's files, tried as a careless or hostile author
would: a mistyped OUTPUTDIR, two builds at once, a damaged cache, a killed build."""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import GUIDE_BUILD, REPO, Guide, run_build, tree_bytes


def good_guide(guide: Guide) -> Guide:
    guide.page("a.md", title="A", slug="a", sortorder="0100", toc="yes")
    guide.page("b.md", title="B", slug="b", sortorder="0101")
    return guide


def snapshot(folder: Path) -> dict[str, bytes]:
    return tree_bytes(folder) if folder.exists() else {}


@pytest.mark.parametrize(
    ("where", "line"),
    [
        ("content", "is the content folder"),
        ("content/pages", "is inside the content folder"),
        (".", "holds the content folder"),
    ],
)
def test_an_output_folder_that_is_or_holds_the_content_is_refused_and_untouched(guide, where, line):
    good_guide(guide)
    before = snapshot(guide.root)
    result = run_build(guide.content, guide.root / where)
    assert result.returncode == 1
    assert result.error_lines == [
        f"error: OUTPUTDIR {guide.root / where} {line} ({guide.content}); "
        "choose a folder of its own, like output/; nothing was touched"
    ]
    assert {k: v for k, v in snapshot(guide.root).items() if not k.startswith(".")} == {
        k: v for k, v in before.items() if not k.startswith(".")
    }


def test_twice_into_the_content_folder_still_deletes_nothing(guide):
    good_guide(guide)
    for _ in range(2):
        assert run_build(guide.content, guide.content).returncode == 1
    assert sorted(path.name for path in (guide.content / "pages").iterdir()) == ["a.md", "b.md"]


@pytest.mark.parametrize("kind", ["file", "foreign", "repository"])
def test_a_folder_the_build_did_not_make_is_refused(guide, kind):
    good_guide(guide)
    target = guide.root / "target"
    if kind == "file":
        target.write_text("notes")
    else:
        (target / ".git" if kind == "repository" else target).mkdir(parents=True)
        (target / "notes.txt").write_text("mine")
    before = snapshot(target) if target.is_dir() else target.read_bytes()
    result = run_build(guide.content, target)
    assert result.returncode == 1
    expected = {
        "file": "is a file, not a folder",
        "foreign": "holds files the build did not make (no .guide-site stamp)",
        "repository": "holds a .git folder",
    }[kind]
    assert expected in result.stderr and len(result.error_lines) == 1
    assert (snapshot(target) if target.is_dir() else target.read_bytes()) == before
    assert not list(guide.root.glob(".target.staging*"))


def test_the_projects_own_output_folder_is_the_builds_before_it_has_a_stamp(guide, tmp_path):
    good_guide(guide)
    conffile = guide.settings()
    (guide.root / "output").mkdir()
    (guide.root / "output" / "old.html").write_text("an earlier site")
    result = run_build(guide.content, guide.root / "output", conffile=conffile)
    assert result.returncode == 0, result.stderr
    assert (guide.root / "output" / ".guide-site").exists() and not (
        guide.root / "output" / "old.html"
    ).exists()


def test_a_stamped_folder_is_replaced_and_output_retention_is_honoured(guide):
    good_guide(guide)
    assert guide.build().returncode == 0
    (guide.output / ".git").mkdir()
    (guide.output / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (guide.output / "CNAME").write_text("guide.example.org\n")
    refused = guide.build()
    assert refused.returncode == 1 and "holds a .git folder" in refused.stderr
    result = guide.build(settings={"OUTPUT_RETENTION": '[".git", "CNAME"]'})
    assert result.returncode == 0, result.stderr
    assert (guide.output / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (guide.output / "CNAME").read_text() == "guide.example.org\n"


def test_a_linked_output_folder_has_its_target_replaced(guide):
    good_guide(guide)
    real = guide.root / "real-site"
    link = guide.root / "site-link"
    assert run_build(guide.content, real).returncode == 0
    link.symlink_to(real)
    (guide.content / "pages" / "a.md").write_text(
        (guide.content / "pages" / "a.md").read_text() + "\nNew text.\n"
    )
    result = run_build(guide.content, link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and "New text." in (real / "a.html").read_text()


def test_stale_staging_folders_of_killed_builds_are_removed_and_others_left(guide):
    good_guide(guide)
    stale = guide.root / ".output.staging-dead"
    stale.mkdir()
    (stale / ".guide-staging").write_text("")
    mine = guide.root / ".output.staging-notes"
    mine.mkdir()
    (mine / "keep.txt").write_text("not the build's")
    assert guide.build().returncode == 0
    assert not stale.exists() and (mine / "keep.txt").exists()


def hold_lock(output: Path):
    from pelican.plugins.guide.outputdir import Lock

    path = Path(Lock(str(output)).path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a")  # noqa: SIM115 - the caller holds the lock until it closes the handle
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def test_a_second_build_fails_at_once_with_no_wait(guide):
    good_guide(guide)
    handle = hold_lock(guide.output)
    try:
        result = guide.build(options=("--no-wait",))
    finally:
        handle.close()
    assert result.returncode == 1
    from pelican.plugins.guide.outputdir import Lock

    lock = Lock(str(guide.output)).path
    assert result.error_lines == [
        f"error: another build is writing {guide.output} (lock {lock}); nothing was touched"
    ]
    assert not list(guide.root.glob(".*.lock"))  # nothing beside the output folder


def test_a_second_build_waits_for_the_first_and_says_so(guide):
    good_guide(guide)
    handle = hold_lock(guide.output)
    command = [
        str(GUIDE_BUILD),
        str(guide.content),
        "-o",
        str(guide.output),
        "-s",
        str(REPO / "pelicanconf.py"),
        "--cache-path",
        str(guide.root / ".cache"),
    ]
    build = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        said = build.stderr.readline()  # it says so as soon as it finds the lock taken
        time.sleep(0.5)
        assert build.poll() is None  # and waits
    finally:
        handle.close()
    _rest, more = build.communicate(timeout=300)
    assert said == f"waiting for another build of {guide.output} to finish...\n"
    assert build.returncode == 0, said + more
    assert (guide.output / "a.html").exists()
    from pelican.plugins.guide.outputdir import Lock

    assert not Path(Lock(str(guide.output)).path).exists()  # the lock file goes with the build


def test_two_publishes_at_once_leave_one_builds_site_compressed_copies_included(guide):
    for number in range(40):
        guide.page(
            f"p{number}.md", "Text " * 200, title=f"P{number}", slug=f"p{number}", sortorder=f"01{number:02d}"
        )
    conffile = REPO / "publishconf.py"
    commands = [
        [
            str(GUIDE_BUILD),
            str(guide.content),
            "-o",
            str(guide.output),
            "-s",
            str(conffile),
            "--cache-path",
            str(guide.root / f".c{n}"),
            "-e",
            f'SITENAME="Site {n}"',
        ]
        for n in (1, 2)
    ]
    runs = [
        subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in commands
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    import gzip

    import brotli

    names = set()
    for html in guide.output.glob("*.html"):
        data = html.read_bytes()
        names.add(b"Site 1" in data)
        assert gzip.decompress((guide.output / f"{html.name}.gz").read_bytes()) == data
        assert brotli.decompress((guide.output / f"{html.name}.br").read_bytes()) == data
    assert len(names) == 1  # every page from one build


def test_a_damaged_cache_is_one_warning_then_a_full_build(guide):
    good_guide(guide)
    cache = guide.root / ".cache-output"
    assert guide.build().returncode == 0
    before = tree_bytes(guide.output)
    pages = cache / "PagesGenerator"  # Pelican's content cache: the pages as Pelican made them
    pages.write_bytes(pages.read_bytes()[:20])  # as a build killed mid-write would have
    result = guide.build()
    assert result.returncode == 0, result.stderr
    assert len(result.warning_lines) == 1
    assert result.warning_lines[0] == (
        f"warning: {pages}: Pelican's content cache cannot be read (it is not as Pelican left it); "
        "reading every page again"
    )
    assert json.loads((cache / "guide-timings.json").read_text())["pages read"] == 2
    assert {k: v for k, v in tree_bytes(guide.output).items() if k != ".guide-site"} == {
        k: v for k, v in before.items() if k != ".guide-site"
    }
    again = guide.build()
    assert again.returncode == 0 and not again.warning_lines
    assert json.loads((cache / "guide-timings.json").read_text())["pages read"] == 0


def test_the_cache_is_keyed_by_what_changes_reading(guide):
    guide.page(
        "a.md",
        "A[^1] note -- with a dash.\n\n[^1]: The footnote.\n",
        title="A",
        slug="a",
        sortorder="0100",
        toc="yes",
    )
    conffile = guide.settings()
    assert guide.build(conffile=conffile).returncode == 0
    page = guide.output.joinpath("a.html")
    assert (
        'class="footnote"' in page.read_text() and "&ndash;" not in page.read_text()
    )  # markdown.extensions.extra
    # One more extension changes the page (the guide adds those it needs that a site leaves out).
    smarty = guide.settings(
        MARKDOWN={"extension_configs": {"markdown.extensions.smarty": {}}, "output_format": "html5"}
    )
    result = guide.build(conffile=smarty)
    assert result.returncode == 0, result.stderr
    assert 'class="footnote"' in page.read_text() and "&ndash;" in page.read_text()


def test_the_cache_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    from pelican.plugins.guide.caches import Cache

    cache = Cache(str(tmp_path))
    assert cache.save("guide-x.pickle", "key", {"a": 1}, "record")
    before = (tmp_path / "guide-x.pickle").read_bytes()

    def explode(*args, **kwargs):
        raise KeyboardInterrupt  # killed as the new file was about to replace the old

    monkeypatch.setattr(os, "replace", explode)
    with pytest.raises(KeyboardInterrupt):
        cache.save("guide-x.pickle", "key", {"a": 2}, "record")
    assert [path.name for path in tmp_path.iterdir()] == ["guide-x.pickle"]  # no temporary left
    assert (tmp_path / "guide-x.pickle").read_bytes() == before  # the old file, whole


# Every cache file the build keeps: damaged any way, one warning, a full build ------------

CACHES = {  # what each file is, as the warning names it
    "guide-build-*.pickle": "the record of the last build cannot be",
    # With Pelican's own files (PAGE_CACHE), which it vouches for: one warning for both.
    "guide-content-cache.pickle": "the record of Pelican's content cache cannot be",
    "guide-timings.json": "the timings cannot be",  # only written
    "jinja/*.cache": "the compiled templates cannot be",
}
WRITTEN_ONLY = ("guide-timings.json",)
PAGE_CACHE = ("PagesGenerator", "ArticlesGenerator")  # Pelican's content cache


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "folder":
        path.unlink()
        (path / "inside").mkdir(parents=True)
        return
    if how == "shape" or how == "inner shape":
        if path.suffix == ".json":
            data = b"[1, 2, 3]" if how == "shape" else b'{"a.html": 5, "build": 7, "keys": [1]}'
        elif path.suffix == ".pickle" and how == "inner shape":  # the guide's format and key, another value
            form, key, _ = pickle.loads(data)
            data = pickle.dumps((form, key, ["not", "the", "value"]))
        elif path.suffix in (".pickle", ""):
            data = pickle.dumps([1, 2, 3] if how == "shape" else ({"a.md": "not a page"}, {}))
        else:  # Jinja's header and the template's checksum, then data that is no code
            from jinja2.bccache import bc_magic

            stream = __import__("io").BytesIO(data[len(bc_magic) :])
            pickle.load(stream)
            data = data[: len(bc_magic) + stream.tell()] + __import__("marshal").dumps([1, 2, 3])
    else:
        data = {"empty": b"", "half": data[: len(data) // 2], "garbage": b"\x00\x9c garbage \xff" * 9}[how]
    path.write_bytes(data)


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """A guide in a git repository, built once: every cache file there is, and the site."""
    guide = good_guide(Guide(tmp_path_factory.mktemp("caches")))
    guide.page("c.md", "Text.\n\n```python\nprint(1)\n```\n", title="C", slug="c", sortorder="0102")
    git = ["git", "-C", str(guide.root), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "content"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "pages"], check=True)
    assert guide.build().returncode == 0
    cache = guide.root / ".cache-output"
    pristine = guide.root / "pristine-cache"
    shutil.copytree(cache, pristine)
    for pattern in (*CACHES, *PAGE_CACHE):
        assert list(cache.glob(pattern)), pattern
    return guide, cache, pristine, tree_bytes(guide.output)


@pytest.mark.parametrize("how", ["empty", "half", "garbage", "shape", "inner shape", "folder"])
def test_every_cache_file_damaged_is_one_warning_and_a_full_build(cached, how):
    guide, cache, pristine, site = cached
    shutil.rmtree(cache)
    shutil.copytree(pristine, cache)
    for pattern in (*CACHES, *PAGE_CACHE):
        for path in cache.glob(pattern):
            damage(path, how)
    result = guide.build()
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for pattern, warning in CACHES.items():
        said = [line for line in result.warning_lines if warning in line]
        written_only = pattern in WRITTEN_ONLY and how != "folder"
        assert len(said) == (0 if written_only else 1), (pattern, result.stderr)
    assert len(result.warning_lines) == len(CACHES) - len(WRITTEN_ONLY) * (how != "folder")
    assert tree_bytes(guide.output) == site  # everything made afresh, the same bytes
    assert " 0 reused" in result.summary
    if how == "garbage":  # the build wrote the caches anew: the next one is quiet and warm
        again = guide.build()
        assert again.returncode == 0 and not again.warning_lines and "0 files rendered" in again.summary, (
            again.stderr
        )


@pytest.mark.parametrize("how", ["empty", "garbage", "folder"])
def test_pelicans_content_cache_damaged_is_one_warning_and_every_page_read_again(cached, how):
    guide, cache, pristine, site = cached
    shutil.rmtree(cache)
    shutil.copytree(pristine, cache)
    damage(cache / "PagesGenerator", how)
    result = guide.build()
    assert result.returncode == 0, result.stderr
    assert result.warning_lines == [
        f"warning: {cache / 'PagesGenerator'}: Pelican's content cache cannot be read "
        "(it is not as Pelican left it); reading every page again"
    ]
    assert json.loads((cache / "guide-timings.json").read_text())["pages read"] == 3
    assert tree_bytes(guide.output) == site


# A read-only file system -----------------------------------------------------------------


NOBODY = 65534


def test_an_output_folder_the_build_may_not_write_is_one_line():
    """A folder the build may not write beside: as root (CI), the build runs as nobody
    (setpriv); as anyone else, the folder is read-only to its owner. Either way the kernel
    refuses, as a read-only file system would, with no namespace or mount needed.
    (test_a_lock_that_cannot_be_made_is_one_line gives the same path Read-only file system.)"""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        root.chmod(0o755)  # nobody reads the guide and the settings
        guide = good_guide(Guide(root / "guide"))
        locked = root / "locked"
        locked.mkdir(mode=0o755)
        cache = root / "cache"
        cache.mkdir()
        cache.chmod(0o777)  # nobody keeps its lock and caches there
        output = locked / "site"
        command = [
            str(GUIDE_BUILD),
            str(guide.content),
            "-o",
            str(output),
            "-s",
            str(REPO / "pelicanconf.py"),
            "--cache-path",
            str(cache),
        ]
        if os.geteuid() == 0:
            command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
        else:
            locked.chmod(0o555)
        try:
            done = subprocess.run(
                command,
                cwd=REPO,
                env={**os.environ, "XDG_CACHE_HOME": str(cache), "HOME": str(cache)},
                capture_output=True,
                text=True,
                timeout=300,
            )
        finally:
            locked.chmod(0o755)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        staging = f"{locked / '.site.staging-'}"
        assert (
            len(done.stderr.splitlines()) == 1
            and done.stderr.startswith(
                f"error: cannot write beside OUTPUTDIR {output}: Permission denied ({staging}"
            )
            and done.stderr.endswith("); nothing was touched\n")
        ), done.stderr
        assert os.listdir(locked) == []


def test_a_lock_that_cannot_be_made_is_one_line(guide, monkeypatch, capsys):
    """The same error path, in this process: any OSError making the lock."""
    import errno

    from pelican.plugins.guide import build, outputdir

    good_guide(guide)

    def refuse(self, wait, waiting=None):
        raise OSError(errno.EROFS, "Read-only file system", self.path)

    monkeypatch.setattr(outputdir.Lock, "acquire", refuse)
    status = build.build(
        [
            str(guide.content),
            "-o",
            str(guide.output),
            "-s",
            str(REPO / "pelicanconf.py"),
            "--cache-path",
            str(guide.root / "cache"),
        ]
    )
    assert status == 1
    assert capsys.readouterr().err == (
        f"error: cannot write beside OUTPUTDIR {guide.output}: "
        f"Read-only file system ({outputdir.Lock(str(guide.output)).path}); "
        "nothing was touched\n"
    )
    assert not guide.output.exists()


# A killed build leaves no process behind, and the next build works ----------------------


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return [pid for pid in found if pid != os.getpid()]


@pytest.fixture(scope="module")
def big_guide(tmp_path_factory):
    from tests.perf.synthetic import write_guide

    root = tmp_path_factory.mktemp("killed")
    write_guide(root / "content", 1000)
    return root


def html_files(folder: Path) -> int:
    try:
        return sum(1 for entry in os.scandir(folder) if entry.name.endswith(".html"))
    except OSError:
        return 0


# Moments of a build, each seen in its staging folder: made (the build reads its pages),
# 300 pages written, the search index begun.
MOMENTS = {
    "reading": lambda staging: True,
    "writing": lambda staging: html_files(staging) >= 300,
    "indexing": lambda staging: (staging / "pagefind").exists(),
}


def stop_at(build: subprocess.Popen, output: Path, moment: str) -> bool:
    """Stop (SIGSTOP) the build at `moment`, whatever the machine's speed; True if it was
    caught there, before it finished."""
    deadline = time.monotonic() + 600  # a bound for a failure, not a timing
    while build.poll() is None and time.monotonic() < deadline:
        staging = next(output.parent.glob(f".{output.name}.staging-*"), None)
        if staging is not None and MOMENTS[moment](staging):
            build.send_signal(signal.SIGSTOP)
            return build.poll() is None
        time.sleep(0.01)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_build_killed_with_sigkill_leaves_no_process_and_the_next_build_succeeds(big_guide, moment):
    output = big_guide / "output"
    before = snapshot(output)
    command = [
        str(GUIDE_BUILD),
        str(big_guide / "content"),
        "-o",
        str(output),
        "-s",
        str(REPO / "pelicanconf.py"),
        "--cache-path",
        str(big_guide / ".cache"),
    ]
    build = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    caught = stop_at(build, output, moment)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert caught, f"the build finished before the {moment} moment was seen"
    deadline = time.monotonic() + 60  # a bound for a failure: they go at once
    while processes_mentioning(str(big_guide)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(str(big_guide)) == []
    assert snapshot(output) == before  # the old site, or none, never half of one
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert len(list(output.glob("*.html"))) > 1000
    shards = json.loads((output / "pagefind" / "shards.json").read_text())["shards"]
    assert [path.name for path in sorted((output / "pagefind").iterdir()) if path.is_dir()] == sorted(
        shard["path"].rstrip("/") for shard in shards
    )  # every shard whole, none half-written beside them
