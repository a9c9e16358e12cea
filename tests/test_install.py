"""One package, every way of installing it.

The wheel and the sdist are built once (`python -m build`, from a copy of this project made a
git repository) and pass `twine check`. Each install mode then goes into a fresh venv outside
this repository, on top of one venv per session that holds the pinned dependencies; from a
folder outside the repository, plain `pelican` with `PLUGINS = ["guide"]` builds a small
guide, and the plugin is shown to come from that install.

For speed, each install is `--no-deps`, and builds run without build isolation, with the
setuptools pinned in requirements-test.txt: what is tested is this package's build (its
setup.py, its layout), not pip's isolation, which would fetch setuptools for every install.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from conftest import REPO, project_files
from tools import missing

TOOLS = Path(sys.executable).parent  # build and twine, from requirements-test.txt
SITE_PACKAGES = Path("lib") / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def run(
    command: list[str], cwd: Path, env: dict | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    # No PYTHONPATH and no VIRTUAL_ENV of the test run: the child sees only its own venv.
    # Nor the make that runs the tests (`make test`): a nested make would say where it is.
    outer = ("PYTHONPATH", "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    clean = {key: value for key, value in os.environ.items() if key not in outer}
    done = subprocess.run(
        command, cwd=cwd, env={**clean, **(env or {})}, capture_output=True, text=True, timeout=timeout
    )
    return done


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    """This project's files as they are (uncommitted changes too), committed to a new git
    repository outside this one: what `pip install path` and `git+file://` are given."""
    copy = tmp_path_factory.mktemp("install") / "pelican-guide"
    for name in project_files():
        if not name.startswith(("tests/", "content/")):
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "The package"]):
        subprocess.run(["git", *command], cwd=copy, check=True, env={**os.environ, **GIT_IDENTITY})
    return copy


@pytest.fixture(scope="session")
def dists(project, tmp_path_factory) -> dict[str, Path]:
    """The sdist, and the wheel built from it (as `python -m build` does), once per session."""
    out = tmp_path_factory.mktemp("dist")
    done = run(
        [str(TOOLS / "python"), "-m", "build", "--no-isolation", "--outdir", str(out), str(project)], cwd=out
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


@pytest.fixture(scope="session")
def base_venv(tmp_path_factory) -> Path:
    """A venv with the pinned dependencies, made once; each install mode's venv sees its
    site-packages through a .pth file and gets only the package itself."""
    venv = tmp_path_factory.mktemp("base") / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv.parent).returncode == 0
    setuptools = next(
        line
        for line in (REPO / "requirements-test.txt").read_text().splitlines()
        if line.startswith("setuptools==")
    )
    done = pip(venv, "-r", str(REPO / "requirements.txt"), setuptools)
    assert done.returncode == 0, done.stderr[-3000:]
    return venv


def fresh_venv(folder: Path, base: Path, name: str = "venv") -> Path:
    venv = folder / name
    assert run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=folder).returncode == 0
    (venv / SITE_PACKAGES / "pinned-dependencies.pth").write_text(str(base / SITE_PACKAGES) + "\n")
    return venv


def pip(venv: Path, *args: str) -> subprocess.CompletedProcess:
    """`pip install` into `venv`, with the pip of this test run (the venvs have none)."""
    return run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--disable-pip-version-check",
            "-q",
            *args,
        ],
        cwd=venv.parent,
    )


def pip_install(venv: Path, *args: str) -> subprocess.CompletedProcess:
    return pip(venv, "--no-deps", "--no-build-isolation", *args)


A_SITE = {
    # What the README says a Pelican site needs: the plugin, by its short name.
    "pelicanconf.py": 'SITENAME = "Installed"\nPATH = "content"\nTIMEZONE = "UTC"\nPLUGINS = ["guide"]\n',
    "content/pages/start.md": (
        "title: Start\nslug: start\nsortorder: 0100\ntoc: yes\n\nRead [the next page](/next.html).\n\n"
        "## First part\n\n!!! note\n    A note.\n\n## Second part\n\nMore.\n"
    ),
    "content/pages/next.md": "title: Next\nslug: next\nsortorder: 0101\n\n![A box](/img/box.svg)\n",
    "content/img/box.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n',
}


def write_site(folder: Path) -> Path:
    for name, text in A_SITE.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


# Where the plugin and its theme come from, on the first line; then `pelican content ...`.
PROBE_THEN_PELICAN = """
import json, sys
import pelican.plugins.guide as guide
print(json.dumps({"module": guide.__file__, "theme": guide.theme_path()}), flush=True)
from pelican import main
main(sys.argv[1:])
"""


MODES = {
    "wheel": lambda project, dists: [str(dists["wheel"])],
    "path": lambda project, dists: [str(project)],
    "editable": lambda project, dists: ["-e", str(project)],
    "editable-strict": lambda project, dists: [
        "-e",
        str(project),
        "--config-settings",
        "editable_mode=strict",
    ],
    "editable-compat": lambda project, dists: [
        "-e",
        str(project),
        "--config-settings",
        "editable_mode=compat",
    ],
    "git": lambda project, dists: [f"git+file://{project}"],
}


@pytest.mark.parametrize("mode", list(MODES))
def test_plugins_guide_loads_after_each_install(mode, project, dists, base_venv, tmp_path):
    venv = fresh_venv(tmp_path, base_venv)
    done = pip_install(venv, *MODES[mode](project, dists))
    assert done.returncode == 0, done.stdout + done.stderr
    site = write_site(tmp_path / "site")

    built = run(
        [
            str(venv / "bin" / "python"),
            "-c",
            PROBE_THEN_PELICAN,
            "content",
            "-s",
            "pelicanconf.py",
            "-o",
            "out",
        ],
        cwd=site,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    found = json.loads(built.stdout.splitlines()[0])
    module, theme = Path(found["module"]), Path(found["theme"])
    assert REPO not in module.parents and REPO not in theme.parents  # never this checkout
    if mode.startswith("editable"):  # the package's source, and the checkout's live theme/
        assert module.resolve() == project / "plugins" / "pelican" / "plugins" / "guide" / "__init__.py"
        assert theme == project / "theme"
    else:
        assert module.parent == venv / SITE_PACKAGES / "pelican" / "plugins" / "guide"
        assert theme == module.parent / "theme"

    assert (
        "guide: 2 pages" in built.stdout and "0 warnings, 0 errors" in built.stdout
    )  # the check ran and passed
    page = (site / "out" / "start.html").read_text()  # the guide's PAGE_URL, not pages/start.html
    assert 'aria-current="page"' in page and 'href="next.html"' in page
    assert 'class="admonition note"' in page and 'class="headerlink"' in page  # its Markdown extensions
    assert 'aria-label="On this page"' in page
    assert (site / "out" / "img" / "box.svg").exists()  # every file of content/ copied
    assert not (site / "out" / "feeds").exists()

    if mode == "editable":  # an author editing the theme in the checkout sees it at once
        base = project / "theme" / "templates" / "base.html"
        original = base.read_text()
        base.write_text(original.replace("</body>", "<!-- edited in the checkout --></body>"))
        try:
            built = run([str(venv / "bin" / "guide-build"), "content", "-o", "out"], cwd=site)
        finally:
            base.write_text(original)
        assert built.returncode == 0, built.stderr
        assert "<!-- edited in the checkout -->" in (site / "out" / "start.html").read_text()


def test_wheel_and_sdist_hold_the_plugin_and_the_theme_and_pass_twine_check(dists):
    done = run(
        [str(TOOLS / "twine"), "check", "--strict", str(dists["wheel"]), str(dists["sdist"])],
        cwd=dists["wheel"].parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2

    theme = sorted(
        path.relative_to(REPO / "theme").as_posix() for path in (REPO / "theme").rglob("*") if path.is_file()
    )
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = wheel.namelist()
        metadata = Parser().parsestr(
            wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        )
    prefix = "pelican/plugins/guide/theme/"
    assert sorted(name[len(prefix) :] for name in names if name.startswith(prefix)) == theme
    assert "pelican/plugins/guide/new-guide/pelicanconf.py" in names
    assert "pelican/plugins/guide/new-guide/.github/workflows/pages.yml" in names
    with tarfile.open(dists["sdist"]) as sdist:
        members = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {f"theme/{name}" for name in theme} <= members and {"setup.py", "LICENSE", "README.md"} <= members

    assert metadata["Name"] == "pelican-guide" and re.fullmatch(r"\d+\.\d+\.\d+", metadata["Version"])
    assert metadata["License-Expression"] == "MIT" and metadata["License-File"] == "LICENSE"
    classifiers = metadata.get_all("Classifier")
    assert {"Framework :: Pelican :: Plugins", "Framework :: Pelican :: Themes"} <= set(classifiers)
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload().startswith("# ")  # the README, as the long description
    assert metadata.get_all("Project-URL")
    scripts = [line.strip() for line in metadata.get_all("Requires-Dist")]
    assert any(line.startswith("pelican") for line in scripts)


def test_the_readmes_new_guide_steps_as_a_new_user_takes_them(dists, base_venv, tmp_path):
    """README, "Use it for another guide": a venv in the new guide's folder, the package in it,
    `guide-quickstart .`, then `make html`, with nothing activated and no BIN given."""
    folder = tmp_path / "my-guide"
    folder.mkdir()
    venv = fresh_venv(folder, base_venv, ".venv")
    assert pip_install(venv, str(dists["wheel"])).returncode == 0
    written = run([str(venv / "bin" / "guide-quickstart"), ".", "--yes"], cwd=folder)
    assert written.returncode == 0, written.stderr
    built = run(["make", "html"], cwd=folder, env={"PATH": "/usr/bin:/bin"})
    assert built.returncode == 0, built.stdout + built.stderr
    assert built.stdout.startswith(".venv/bin/guide-build content -o output -s pelicanconf.py")
    assert "guide: 3 pages" in built.stdout and "0 warnings, 0 errors" in built.stdout
    assert (folder / "output" / "welcome.html").exists()


def wheelhouse() -> Path:
    """The wheels of requirements.txt (and setuptools), which `make test` downloads."""
    folder = Path(os.environ.get("WHEELHOUSE") or REPO / ".venv" / "wheelhouse")
    if not (folder / ".complete").is_file():
        missing(f"{folder} is missing: `make test` downloads the pinned wheels there")
    return folder


@pytest.mark.parametrize("mode", ["wheel", "git"])
def test_a_new_guide_installs_the_pelican_guide_that_wrote_it_without_a_package_index(
    mode, project, dists, base_venv, tmp_path
):
    """guide-quickstart, run from a wheel or from a git commit, writes a requirements.txt that
    installs that same pelican-guide; a new user's empty venv installs it with pip, offline
    (no package index, only the wheels `make test` downloaded), then `make html` builds."""
    writer = fresh_venv(tmp_path, base_venv, "writer")
    source = str(dists["wheel"]) if mode == "wheel" else f"git+file://{project}"
    assert pip_install(writer, source).returncode == 0
    folder = tmp_path / "my-guide"
    written = run([str(writer / "bin" / "guide-quickstart"), str(folder), "--yes"], cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    line = (folder / "requirements.txt").read_text().splitlines()[-1]
    if mode == "wheel":
        digest = hashlib.sha256(dists["wheel"].read_bytes()).hexdigest()
        plain = f"pelican-guide @ {dists['wheel'].as_uri()}"
        assert line in (plain, f"{plain}#sha256={digest}")  # with its hash where pip recorded one
    else:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True)
        assert line == f"pelican-guide @ git+file://localhost{project}@{commit.stdout.strip()}"
    assert "the Pages workflow cannot reach it there" in written.stdout  # a place on this machine

    venv = folder / ".venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=folder).returncode == 0
    installed = run(
        [
            sys.executable,
            "-m",
            "pip",
            "--isolated",  # no pip settings of this machine: no index it names, no other wheels
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            str(wheelhouse()),
            "-r",
            "requirements.txt",
        ],
        cwd=folder,
        env={"PIP_CONFIG_FILE": os.devnull},
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    built = run(["make", "html"], cwd=folder, env={"PATH": "/usr/bin:/bin"})
    assert built.returncode == 0, built.stdout + built.stderr
    assert "guide: 3 pages" in built.stdout and "0 warnings, 0 errors" in built.stdout
    assert (folder / "output" / "welcome.html").exists()
