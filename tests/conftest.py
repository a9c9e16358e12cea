"""Shared fixtures: build real guides with the project's own build command and read the HTML."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
SEED_CONTENT = REPO / "content"
CONFFILE = REPO / "pelicanconf.py"


@dataclass
class BuildResult:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    def html(self, name: str) -> str:
        return (self.output / name).read_text(encoding="utf-8")

    def soup(self, name: str) -> BeautifulSoup:
        return BeautifulSoup(self.html(name), "lxml")

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error: ")]

    @property
    def warning_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("warning: ")]

    @property
    def summary(self) -> str:
        return next((line for line in self.stdout.splitlines() if line.startswith("guide: ")), "")


GUIDE_BUILD = Path(sys.executable).parent / "guide-build"


def run_build(
    content: Path,
    output: Path,
    *,
    conffile: Path = CONFFILE,
    cache: Path | None = None,
    settings: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
    cwd: Path = REPO,
) -> BuildResult:
    """`guide-build`, as `make html` runs it, in a subprocess: real exit status and output.
    `settings` values are JSON, as `pelican -e` takes them."""
    command = [str(GUIDE_BUILD), str(content), "-o", str(output), "-s", str(conffile), *options]
    cache = cache or output.parent / f".cache-{output.name}"
    command += ["--cache-path", str(cache)]
    if settings:  # one -e for all: pelican keeps only the last -e
        command += ["-e", *(f"{key}={value}" for key, value in settings.items())]
    done = subprocess.run(
        command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300
    )
    return BuildResult(done.returncode, done.stdout, done.stderr, output)


def repo_git(*args: str) -> bytes:
    """git in this checkout. It may belong to another user (a CI container job's checkout
    is the runner's, and the tests run as root): the tests run this checkout's code already,
    so trusting its git settings here (safe.directory) adds no risk."""
    command = ["git", "-c", f"safe.directory={REPO}", "-C", str(REPO), *args]
    return subprocess.run(command, capture_output=True, check=True).stdout


def project_files() -> list[str]:
    """This checkout's files as a commit of it now would hold them: tracked, and untracked
    but not ignored (uncommitted changes count)."""
    listed = repo_git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return [name for name in listed.decode().split("\0") if name and (REPO / name).is_file()]


def untracked() -> set[str]:
    """Files in this checkout that git neither tracks nor ignores."""
    listed = repo_git("ls-files", "-z", "--others", "--exclude-standard")
    return {name for name in listed.decode().split("\0") if name}


UNTRACKED_BEFORE = pytest.StashKey[set]()


def pytest_sessionstart(session) -> None:
    if not hasattr(session.config, "workerinput"):  # once, in the process that runs the session
        session.config.stash[UNTRACKED_BEFORE] = untracked()


def pytest_sessionfinish(session, exitstatus) -> None:
    """Everything the tests write lands where git ignores it (tmp, .venv/, tests/artifacts/):
    a file they leave in the checkout for git to see fails the run, named."""
    before = session.config.stash.get(UNTRACKED_BEFORE, None)
    if before is None:
        return
    left = sorted(untracked() - before)
    if left:
        sys.stderr.write(
            "error: the tests left files in the repository that git does not ignore: "
            + ", ".join(left)
            + "\n"
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def page_source(body: str = "Some text about the page.\n", **metadata: str) -> str:
    """A Markdown page: metadata lines (in the order given), a blank line, the body."""
    lines = [f"{key}: {value}" for key, value in metadata.items()]
    return "\n".join(lines) + "\n\n" + body


@dataclass
class Guide:
    """A small guide under tmp_path: add pages, then build it."""

    root: Path
    pages: dict[str, str] = field(default_factory=dict)

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def page(self, filename: str, body: str = "Some text about the page.\n", **metadata: str) -> Path:
        path = self.content / "pages" / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_source(body, **metadata), encoding="utf-8")
        return path

    def file(self, relative: str, data: bytes | str = b"x") -> Path:
        """Any other file of the content folder (an image, say)."""
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def settings(self, base: Path = CONFFILE, **overrides) -> Path:
        """A settings file: the project's (or `base`), with these settings changed."""
        conffile = self.root / "guideconf.py"
        lines = [
            "import sys",
            f"sys.path.insert(0, {str(base.parent)!r})",
            f"from {base.stem} import *  # noqa",
            *(f"{key} = {value!r}" for key, value in overrides.items()),
        ]
        conffile.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return conffile

    def build(self, **kwargs) -> BuildResult:
        self.content.mkdir(parents=True, exist_ok=True)
        return run_build(self.content, self.output, **kwargs)


@pytest.fixture
def guide(tmp_path: Path) -> Guide:
    return Guide(tmp_path)


@pytest.fixture(scope="session")
def servers_site(tmp_path_factory) -> BuildResult:
    """The real content folder (the Servers page), built once for the session."""
    root = tmp_path_factory.mktemp("servers-site")
    result = run_build(SEED_CONTENT, root / "output")
    assert result.returncode == 0, result.stderr
    return result


PUBLISHCONF = REPO / "publishconf.py"
PUBLISHED_SITEURL = "https://guide.example.net/servers"


def run_make(target: str, cwd: Path = REPO, env: dict[str, str] | None = None, **variables: str):
    """`make TARGET VAR=value ...` as an author runs it: real exit status and output."""
    command = ["make", "--no-print-directory", target, *(f"{k}={v}" for k, v in variables.items())]
    return subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes: two trees compare with ==."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> BuildResult:
    """The real content folder built with publishconf.py, under an address set by SITEURL."""
    root = tmp_path_factory.mktemp("published-site")
    result = run_build(
        SEED_CONTENT, root / "output", conffile=PUBLISHCONF, env={"SITEURL": PUBLISHED_SITEURL}
    )
    assert result.returncode == 0, result.stderr
    return result


DOCS = REPO / "docs"


@pytest.fixture(scope="session")
def published_docs(tmp_path_factory) -> BuildResult:
    """The manual (docs/), as the Pages workflow publishes it under SITEURL/docs/ (an example
    address, so not strict: publishing to it is a warning, which the manual's strict mode
    would make an error)."""
    root = tmp_path_factory.mktemp("published-docs")
    result = run_build(
        DOCS / "content",
        root / "docs",
        conffile=DOCS / "publishconf.py",
        env={"SITEURL": PUBLISHED_SITEURL},
        settings={"GUIDE_STRICT": "false"},
    )
    assert result.returncode == 0, result.stderr
    return result


# The synthetic guide of the real guide's shapes, 1,000 pages. -------------------------------

SYNTHETIC_PAGES = 1000
SYNTHETIC_SITEURL = "https://guide.example.net"  # where it is published; it is served elsewhere
UNIQUE_WORD = "quillfeather"  # in one page of the 1,000, and nowhere else
CONSOLE = "```console\n$ pip install flask\n```\n"  # as a reader types it: pip install flask


@pytest.fixture(scope="session")
def thousand_guide(tmp_path_factory):
    """tests/perf/synthetic.py's guide (chapters of real sizes, and chapter 50 in sections of
    325, 41, 160 and 12 pages), one page given a word of its own, published once for the
    session with publishconf.py for an absolute SITEURL that is not where the tests serve it:
    its script and its search must work from any address. Only scripts and text files get
    their compressed copies: Brotli at its densest takes minutes for 4,000 files here."""
    import json
    import time
    from types import SimpleNamespace

    from perf.synthetic import page_files, write_guide
    from reader import metadata

    root = tmp_path_factory.mktemp("synthetic-1000")
    content = root / "content"
    write_guide(content, SYNTHETIC_PAGES)
    pages = page_files(content)
    assert len(pages) == SYNTHETIC_PAGES
    target = pages[len(pages) // 2]
    with target.open("a", encoding="utf-8") as source:
        source.write(f"\n\nThe {UNIQUE_WORD} rack holds this one server.\n")
    # A console session first on one chapter-50 page: its copy button leaves the prompt out.
    deep = next(path for path in pages if "slug: s1-example-300\n" in path.read_text(encoding="utf-8"))
    head, body = deep.read_text(encoding="utf-8").split("\n\n", 1)
    deep.write_text(f"{head}\n\n{CONSOLE}\n{body}", encoding="utf-8")
    started = time.perf_counter()
    result = run_build(
        content,
        root / "output",
        conffile=PUBLISHCONF,
        env={"SITEURL": SYNTHETIC_SITEURL},
        settings={"GUIDE_PRECOMPRESS": json.dumps([".js", ".txt"])},
    )
    assert result.returncode == 0, result.stderr
    found = metadata(target)
    return SimpleNamespace(
        result=result,
        output=result.output,
        seconds=time.perf_counter() - started,
        path=f"/{found['slug']}.html",
        title=found["title"],
    )


@pytest.fixture(scope="session")
def thousand_url(thousand_guide):
    from tools import serve

    with serve(thousand_guide.output) as url:
        yield url


# Reader tests: one Chromium for the whole session, a web server per built site. ------------


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module, closed when it ends (tools.chromium says why)."""
    from tools import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def servers_url(servers_site):
    """The real site, served over HTTP on the loopback for the whole session."""
    from tools import serve

    with serve(servers_site.output) as url:
        yield url


@pytest.fixture
def new_context(browser):
    """Browser contexts (a viewport and colour scheme each), closed after the test."""
    contexts = []

    def make(width: int = 1280, scheme: str = "light", height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
