"""`guide-quickstart DIR`: a new guide that builds as it is, as `sphinx-quickstart` and
`mkdocs new` write one.

It writes the files under `new-guide/`, the one source of what a new guide holds (the manual
shows them, and a test keeps the two the same), with the guide's title, its public address
and the requirement that installs this very pelican-guide filled in: where pip installed it
from (PEP 610's direct_url.json: a folder, a git commit, a wheel or sdist), or its version
when it came from a package index. It asks for the title and the address unless
`--yes` is given, and it never overwrites a file: one that exists is left as it is.

What it is given is checked the same way at the prompt and on the command line. Each file
is written whole or not at all (a temporary file, then a link to its name), so a full
disk or a Ctrl-C leaves no partial file; a file that holds only the start of what it
would write (what an older version left on a full disk) is completed. It writes only into
real folders: a folder of the new guide that is a link elsewhere is refused unless
`--follow-links` is given. Ctrl-C is one line and exit status 130.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import unicodedata
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from urllib.parse import urlsplit

from .cli import WholeWords, manual
from .files import write_atomically, write_new

STARTER = Path(__file__).parent / "new-guide"
DEFAULTS = {"title": "My Guide", "public_url": "https://guide.example.org"}
MAX_TITLE_CHARS = 200
TEMPORARY_PREFIX = ".guide-quickstart-"  # a file being written; a killed run's is removed next time


def starter_files() -> list[str]:
    """Every file a new guide gets, as a path relative to its folder."""
    return sorted(
        path.relative_to(STARTER).as_posix()
        for path in STARTER.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


NAME = "pelican-guide"
CHECKOUT = Path(__file__).resolve().parents[4]  # plugins/pelican/plugins/guide/ in a checkout


def requirement_from(direct_url: dict | None, version: str) -> str:
    """The requirement that installs the same pelican-guide again, from its PEP 610 record
    (None: it came from a package index)."""
    if direct_url is None:
        return f"{NAME}=={version}"
    url = direct_url["url"]
    fragment = ""
    if "vcs_info" in direct_url:  # the commit pip checked out, whatever branch was asked
        vcs = direct_url["vcs_info"]
        if url.startswith("file:///"):  # pip before 23.3 refuses git+file:/// (no host)
            url = "file://localhost/" + url.removeprefix("file:///")
        url = f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
    elif "archive_info" in direct_url:  # a wheel or sdist, checked by its hash when pip kept one
        archive = direct_url["archive_info"]
        algorithm, _, value = archive.get("hash", "").partition("=")  # the older form: "sha256=..."
        sha256 = (archive.get("hashes") or {}).get("sha256") or (value if algorithm == "sha256" else None)
        fragment = f"sha256={sha256}" if sha256 else ""
    if direct_url.get("subdirectory"):
        fragment = "&".join(filter(None, [fragment, f"subdirectory={direct_url['subdirectory']}"]))
    return f"{NAME} @ {url}" + (f"#{fragment}" if fragment else "")


def package_requirement() -> str:
    """The requirement for the pelican-guide running now."""
    try:
        installed = distribution(NAME)
    except PackageNotFoundError:  # imported from a checkout that was never installed
        if (CHECKOUT / "pyproject.toml").is_file():
            return f"{NAME} @ {CHECKOUT.as_uri()}"
        return NAME
    recorded = installed.read_text("direct_url.json")
    return requirement_from(json.loads(recorded) if recorded else None, installed.version)


def local_source(requirement: str) -> str | None:
    """The place on this machine a requirement installs from, which a CI runner cannot reach."""
    url = requirement.partition(" @ ")[2]
    for prefix in ("file://", "git+file://"):
        if url.startswith(prefix):
            return url
    return None


def render(relative: str, values: dict[str, str]) -> str:
    """One file of the new guide. The values go into Python strings (escaped as such)."""
    text = (STARTER / relative).read_text(encoding="utf-8")
    for key, value in {**values, "requirement": package_requirement()}.items():
        text = text.replace("{{" + key + "}}", json.dumps(value)[1:-1])
    return text


def _control(text: str) -> bool:
    """A control or format character (ESC, a line end, a bidirectional override...)."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in text)


def title_problem(title: str) -> str | None:
    if not title.strip() or _control(title) or len(title) > MAX_TITLE_CHARS:
        return (
            f"the title must be one line of text of {MAX_TITLE_CHARS} characters at most, "
            "with no control character"
        )
    return None


def url_problem(url: str) -> str | None:
    wrong = 'the address must be an absolute http(s) address, like "https://guide.example.org"'
    if _control(url) or any(char.isspace() or char in "\"'<>\\?#`{}|^" for char in url):
        return wrong + ", with no space, quote, control character, query or fragment"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is no number
    except ValueError:
        return wrong
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return wrong
    return None


def shown(value: str) -> str:
    """A value as one quoted line, whatever it holds."""
    return json.dumps(value)


def ask(question: str, default: str, problem) -> str:
    while True:
        try:
            answer = input(f"{question} [{default}]: ").strip() or default
        except EOFError:  # no terminal: the default
            print()
            return default
        wrong = problem(answer)
        if wrong is None:
            return answer
        print(f"{wrong}: {shown(answer)}")


def linked_folder(folder: Path) -> Path | None:
    """The first folder the new guide's files would go into that exists as a link (the
    guide's folder itself included), or None."""
    folders = {folder}
    for relative in starter_files():
        parent = (folder / relative).parent
        while parent != folder:
            folders.add(parent)
            parent = parent.parent
    return next((path for path in sorted(folders) if path.is_symlink()), None)


def file_data(relative: str, values: dict[str, str]) -> bytes:
    if relative.endswith((".svg", ".png", ".jpg")):
        return (STARTER / relative).read_bytes()
    return render(relative, values).encode("utf-8")


def _cut_short(target: Path, data: bytes) -> bool:
    """A regular file holding only the start of `data`: a write an earlier run could not finish."""
    try:
        return (
            target.is_file()
            and not target.is_symlink()
            and data.startswith(target.read_bytes())
            and (target.stat().st_size < len(data))
        )
    except OSError:
        return False


class Progress:
    """What a run has written so far, for the line that says where it stopped."""

    def __init__(self):
        self.written: list[str] = []
        self.completed: list[str] = []
        self.kept: list[str] = []
        self.current: str | None = None


def write(folder: Path, values: dict[str, str], progress: Progress) -> None:
    """Write every file that does not exist yet, each whole or not at all."""
    for relative in starter_files():
        progress.current = relative
        target = folder / relative
        data = file_data(relative, values)
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f"{TEMPORARY_PREFIX}*"):  # a killed run's
            with contextlib.suppress(OSError):
                stale.unlink()
        if _cut_short(target, data):
            write_atomically(str(target), data, prefix=TEMPORARY_PREFIX)
            progress.completed.append(relative)
            continue
        try:
            write_new(
                str(target), data, prefix=TEMPORARY_PREFIX
            )  # never over a file, even one made meanwhile
        except FileExistsError:
            progress.kept.append(relative)
            continue
        progress.written.append(relative)
    progress.current = None


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(
        prog="guide-quickstart",
        formatter_class=WholeWords,
        description="Write a new guide into DIR: settings, a Makefile, two example chapters, a .gitignore "
        "and a GitHub Pages workflow. A file that exists is left as it is.",
        epilog="Then: cd DIR && make html (make help lists the rest). "
        + manual("new-guide", "Start a new guide"),
    )
    made.add_argument("folder", metavar="DIR", help="the new guide's folder (made if missing)")
    made.add_argument(
        "-y", "--yes", action="store_true", help="ask nothing: the defaults, or --title and --url"
    )
    made.add_argument("--title", help=f"the guide's title (default: {DEFAULTS['title']!r})")
    made.add_argument(
        "--url", help=f"the address it will be published at (default: {DEFAULTS['public_url']})"
    )
    made.add_argument(
        "--follow-links",
        action="store_true",
        help="write through a folder of the new guide that is a link elsewhere (refused otherwise)",
    )
    return made


def main(argv: list[str] | None = None) -> None:
    options = parser().parse_args(argv)
    progress = Progress()
    try:
        run(options, Path(options.folder), progress)
    except KeyboardInterrupt:  # at a prompt, or while writing: each file is whole or absent
        print(flush=True)  # off the prompt's line
        done = len(progress.written) + len(progress.completed)
        what = (
            f"the {done} files written are whole, and no other was begun" if done else "nothing was written"
        )
        print(f"error: interrupted; {what}", file=sys.stderr, flush=True)
        sys.exit(130)


def run(options, folder: Path, progress: Progress) -> None:
    if folder.exists() and not folder.is_dir():
        sys.exit(f"error: {folder} is a file; choose a folder for the new guide")
    for flag, given, problem in (
        ("--title", options.title, title_problem),
        ("--url", options.url, url_problem),
    ):
        if given is not None and problem(given):
            sys.exit(f"error: {flag} {shown(given)}: {problem(given)}")
    linked = None if options.follow_links else linked_folder(folder)
    if linked is not None:
        sys.exit(
            f"error: {linked} is a link to {os.path.realpath(linked)}; guide-quickstart writes only into "
            "real folders, so that nothing lands outside the new guide (--follow-links writes through it)"
        )
    title = options.title or DEFAULTS["title"]
    url = options.url or DEFAULTS["public_url"]
    if not options.yes:
        print(f"A new guide in {folder}/ (Enter keeps the value in brackets).")
        if options.title is None:
            title = ask("Title of the guide", title, title_problem)
        if options.url is None:
            url = ask("Address it will be published at", url, url_problem)
    try:
        write(folder, {"title": title, "public_url": url}, progress)
    except OSError as error:
        done = len(progress.written) + len(progress.completed)
        before = f"the {done} files written before it are whole, and " if done else ""
        why = error.strerror or error.__class__.__name__
        sys.exit(
            f"error: cannot write the new guide in {folder}: {why}, writing {progress.current}; "
            f"{before}nothing of that file was left: make room and run it again, which keeps what is there"
        )
    for relative in progress.written:
        print(f"wrote {os.path.join(options.folder, relative)}")
    for relative in progress.completed:
        print(
            f"completed {os.path.join(options.folder, relative)}: an earlier run had written only its start"
        )
    for relative in progress.kept:
        print(f"kept {os.path.join(options.folder, relative)}: it exists, and is left as it is")
    if "requirements.txt" in progress.written and local_source(package_requirement()):
        print(
            f"note: requirements.txt installs pelican-guide from {local_source(package_requirement())}, "
            "on this machine; the Pages workflow cannot reach it there: point that line at a git URL "
            "or a release before you push"
        )
    print(f"Next: cd {options.folder} && make html  (make help lists the rest)")


if __name__ == "__main__":
    main()
