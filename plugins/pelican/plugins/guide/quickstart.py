"""`guide-quickstart DIR`: a new guide that builds as it is, as `sphinx-quickstart` and
`mkdocs new` write one.

It writes the files under `new-guide/`, the one source of what a new guide holds (the manual
shows them, and a test keeps the two the same), with the guide's title, its public address
and the requirement that installs this very pelican-guide filled in: where pip installed it
from (PEP 610's direct_url.json: a folder, a git commit, a wheel or sdist), or its version
when it came from a package index. It asks for the title and the address unless
`--yes` is given, and it never overwrites a file: one that exists is left as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from urllib.parse import urlsplit

STARTER = Path(__file__).parent / "new-guide"
DEFAULTS = {"title": "My Guide", "public_url": "https://guide.example.org"}


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


def title_problem(title: str) -> str | None:
    if not title.strip() or "\n" in title:
        return "the title must be one line of text"
    return None


def url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(char in url for char in " \"'<>\\?#"):
        return 'the address must be an absolute http(s) address, like "https://guide.example.org"'
    return None


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
        print(wrong)


def write(folder: Path, values: dict[str, str]) -> tuple[list[str], list[str]]:
    """Write every file that does not exist yet; the ones written and the ones kept."""
    written, kept = [], []
    for relative in starter_files():
        target = folder / relative
        if target.exists() or target.is_symlink():
            kept.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith((".svg", ".png", ".jpg")):
            data = (STARTER / relative).read_bytes()
        else:
            data = render(relative, values).encode("utf-8")
        with open(target, "xb") as created:  # "x": never over a file made meanwhile
            created.write(data)
        written.append(relative)
    return written, kept


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(
        prog="guide-quickstart",
        description="Write a new guide into DIR: settings, a Makefile, two example chapters, a .gitignore "
        "and a GitHub Pages workflow. A file that exists is left as it is.",
        epilog="Then: cd DIR && make html (make help lists the rest).",
    )
    made.add_argument("folder", metavar="DIR", help="the new guide's folder (made if missing)")
    made.add_argument(
        "-y", "--yes", action="store_true", help="ask nothing: the defaults, or --title and --url"
    )
    made.add_argument("--title", help=f"the guide's title (default: {DEFAULTS['title']!r})")
    made.add_argument(
        "--url", help=f"the address it will be published at (default: {DEFAULTS['public_url']})"
    )
    return made


def main(argv: list[str] | None = None) -> None:
    options = parser().parse_args(argv)
    folder = Path(options.folder)
    if folder.exists() and not folder.is_dir():
        sys.exit(f"error: {folder} is a file; choose a folder for the new guide")
    for given, problem in ((options.title, title_problem), (options.url, url_problem)):
        if given is not None and problem(given):
            sys.exit(f"error: {problem(given)}: {given!r}")
    title = options.title or DEFAULTS["title"]
    url = options.url or DEFAULTS["public_url"]
    if not options.yes:
        print(f"A new guide in {folder}/ (Enter keeps the value in brackets).")
        if options.title is None:
            title = ask("Title of the guide", title, title_problem)
        if options.url is None:
            url = ask("Address it will be published at", url, url_problem)
    try:
        written, kept = write(folder, {"title": title, "public_url": url})
    except OSError as error:
        sys.exit(f"error: cannot write the new guide in {folder}: {error.strerror} ({error.filename})")
    for relative in written:
        print(f"wrote {os.path.join(options.folder, relative)}")
    for relative in kept:
        print(f"kept {os.path.join(options.folder, relative)}: it exists, and is left as it is")
    if "requirements.txt" in written and local_source(package_requirement()):
        print(
            f"note: requirements.txt installs pelican-guide from {local_source(package_requirement())}, "
            "on this machine; the Pages workflow cannot reach it there: point that line at a git URL "
            "or a release before you push"
        )
    print(f"Next: cd {options.folder} && make html  (make help lists the rest)")


if __name__ == "__main__":
    main()
