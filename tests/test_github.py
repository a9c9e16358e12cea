"""GitHub Pages: `make github` pushes the published site; the workflow passes schema and zizmor."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, project_files, run_make
from ruamel.yaml import YAML

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
TOOLS = Path(sys.executable).parent  # check-jsonschema and zizmor, from requirements-test.txt
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, check=True, env={**os.environ, **GIT_IDENTITY}
    )
    return done.stdout.decode()


@pytest.fixture
def project_clone(tmp_path) -> Path:
    """This project's files, uncommitted changes included, as a fresh repository with an
    `origin` that is a local bare repository: `make github` can push there and nowhere else."""
    project = tmp_path / "project"
    for name in project_files():
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)  # keeps mtimes: the venv stamps stay valid
    git("init", "-q", "-b", "main", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "The project", cwd=project)
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=project)
    return project


def test_make_github_pushes_the_published_site_to_gh_pages(project_clone):
    done = run_make("github", cwd=project_clone, env=GIT_IDENTITY, VENV=str(REPO / ".venv"))
    assert done.returncode == 0, done.stdout + done.stderr

    remote = project_clone.parent / "remote.git"
    pushed = subprocess.run(
        ["git", "--git-dir", str(remote), "show", "gh-pages:servers.html"],
        capture_output=True,
        check=True,
    ).stdout
    assert pushed == (project_clone / "output" / "servers.html").read_bytes()
    files = git("--git-dir", str(remote), "ls-tree", "--name-only", "gh-pages", cwd=project_clone)
    expected = {".nojekyll", "sitemap.xml", "robots.txt", "servers.html.gz", "404.html"}
    assert expected <= set(files.split())
    message = git("--git-dir", str(remote), "log", "-1", "--format=%s", "gh-pages", cwd=project_clone)
    assert message.strip() == "Generate Pelican site"


def load_workflow() -> dict:
    return YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_tests_then_publishes_then_deploys_with_the_official_actions():
    workflow = load_workflow()
    triggers = workflow["on"]  # a safe loader keeps the key "on" as written in YAML 1.2
    assert triggers["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [step.get("run", step.get("uses", "")) for step in build["steps"]]
    order = [
        next(i for i, r in enumerate(runs) if "bash .ci/run" in r),  # make test
        next(i for i, r in enumerate(runs) if r.startswith("actions/configure-pages@")),
        next(i for i, r in enumerate(runs) if "make publish" in r),
        next(i for i, r in enumerate(runs) if "make docs-publish" in r),  # into output/docs/
        next(i for i, r in enumerate(runs) if r.startswith("actions/upload-pages-artifact@")),
    ]
    assert order == sorted(order)
    assert deploy["needs"] == "build"
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")


def publish_problems(workflow: dict) -> list[str]:
    """The build job publishes once, with `make publish STRICT=1`: every warning stops it."""
    runs = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    publishing = [run for run in runs if "make publish" in run]
    manual = [run for run in runs if "make docs-publish" in run]
    if [run.split() for run in manual] != [["make", "docs-publish", "STRICT=1"]]:
        return [f"the manual is published by {manual}, expected one step 'make docs-publish STRICT=1'"]
    if len(publishing) != 1:
        return [f"{len(publishing)} steps run make publish, expected 1"]
    if publishing[0].split() != ["make", "publish", "STRICT=1"]:
        return [f"the publish step runs {publishing[0].strip()!r}, expected 'make publish STRICT=1'"]
    return []


def test_workflow_publishes_in_strict_mode():
    assert publish_problems(load_workflow()) == []


def test_the_publish_check_names_a_workflow_that_publishes_the_manual_leniently():
    text = WORKFLOW.read_text().replace("run: make docs-publish STRICT=1\n", "run: make docs-publish\n")
    assert publish_problems(YAML(typ="safe").load(text)) == [
        "the manual is published by ['make docs-publish'], expected one step 'make docs-publish STRICT=1'"
    ]


def test_the_publish_check_names_a_workflow_without_strict_mode():
    text = WORKFLOW.read_text().replace("run: make publish STRICT=1\n", "run: make publish\n")
    broken = YAML(typ="safe").load(text)
    assert publish_problems(broken) == [
        "the publish step runs 'make publish', expected 'make publish STRICT=1'"
    ]


def test_workflow_permissions_are_least_privilege():
    workflow = load_workflow()
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(TOOLS / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )


def zizmor(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(TOOLS / "zizmor"), "--offline", "--no-progress", str(path)],
        capture_output=True,
        text=True,
    )


def test_workflow_matches_the_github_workflow_schema():
    done = check_jsonschema(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_names_a_broken_workflow(tmp_path):
    broken = tmp_path / "pages.yml"
    broken.write_text(WORKFLOW.read_text().replace("    runs-on: ubuntu-24.04\n", "", 1))
    done = check_jsonschema(broken)
    assert done.returncode != 0
    assert "runs-on" in done.stdout


def test_zizmor_finds_nothing():
    done = zizmor(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    "old, new, audit",
    [
        ("          persist-credentials: false\n", "          fetch-depth: 1\n", "artipacked"),
        (
            "    permissions:\n      contents: read\n"
            "      pages: read  # configure-pages reads the site's address\n",
            "    permissions: write-all\n",
            "excessive-permissions",
        ),
        (
            "run: make publish STRICT=1\n",
            'run: echo "${{ github.event.head_commit.message }}"\n',
            "template-injection",
        ),
    ],
)
def test_zizmor_names_an_unsafe_workflow(tmp_path, old, new, audit):
    text = WORKFLOW.read_text()
    assert old in text
    broken = tmp_path / ".github" / "workflows" / "pages.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(old, new, 1))
    done = zizmor(broken)
    assert done.returncode != 0
    assert audit in done.stdout


def test_the_jobs_own_steps_install_everything_and_trust_the_checkout():
    """No setup-* action: what the tests need comes from the job's run: steps, so they pass in
    any Debian 12 root (make ci-debian). The checkout is the runner's user's; the job trusts
    it before the tests and the publish read its history."""
    for workflow in (load_workflow(), YAML(typ="safe").load(LINKCHECK_WORKFLOW.read_text(encoding="utf-8"))):
        (job, *_) = workflow["jobs"].values()
        assert job["container"] == "debian:12"
        steps = job["steps"]
        assert not [step["uses"] for step in steps if "/setup-" in step.get("uses", "")]
        runs = [step.get("run", "") for step in steps]
        trust = runs.index('git config --global --add safe.directory "$GITHUB_WORKSPACE"')
        checkout = next(
            i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/checkout@")
        )
        first_make = next(i for i, run in enumerate(runs) if run.startswith(("make ", "bash .ci/run")))
        assert checkout < trust < first_make
        assert "python3-venv" in runs[0] and "git" in runs[0].split()


def test_the_checkout_fetches_the_whole_history():
    """A shallow clone knows one commit, whose date every page would carry as its "Last
    updated": the build leaves the dates out then, with a warning, which strict mode stops."""
    steps = load_workflow()["jobs"]["build"]["steps"]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


# The scheduled link check: .github/workflows/linkcheck.yml --------------------------------

LINKCHECK_WORKFLOW = REPO / ".github" / "workflows" / "linkcheck.yml"


def test_linkcheck_workflow_runs_weekly_and_on_demand_keeps_the_report_and_opens_no_issue():
    workflow = YAML(typ="safe").load(LINKCHECK_WORKFLOW.read_text(encoding="utf-8"))
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    _minute, _hour, day, month, weekday = workflow["on"]["schedule"][0]["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit()  # once a week
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read"}  # no issues: write, so it cannot open one
    steps = job["steps"]
    runs = [step.get("run", "") for step in steps]
    assert [run for run in runs if run.startswith("make ")] == [
        "make html",
        "make linkcheck JSON=linkcheck.json",
    ]
    # make ci-debian runs the build half: every step before the one that leaves the machine.
    assert (
        next(step for step in steps if step.get("id") == "check")["run"]
        == "make linkcheck JSON=linkcheck.json"
    )
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # each page's date is its last commit's
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert (
        upload["with"]["path"] == "linkcheck.json" and upload["if"] == "${{ !cancelled() }}"
    )  # also when links broke
    assert all(
        "github-script" not in step.get("uses", "") and "gh issue" not in step.get("run", "")
        for step in steps
    )
    assert all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]) for step in steps if "uses" in step)


def test_linkcheck_workflow_matches_the_schema_and_zizmor_finds_nothing():
    done = check_jsonschema(LINKCHECK_WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr
    done = zizmor(LINKCHECK_WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    "old, new, audit",
    [
        ("    permissions:\n      contents: read\n", "    permissions: write-all\n", "excessive-permissions"),
        (
            "uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2",
            "uses: actions/upload-artifact@v4",
            "unpinned-uses",
        ),
    ],
)
def test_zizmor_names_an_unsafe_linkcheck_workflow(tmp_path, old, new, audit):
    text = LINKCHECK_WORKFLOW.read_text()
    assert old in text
    broken = tmp_path / ".github" / "workflows" / "linkcheck.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(old, new, 1))
    done = zizmor(broken)
    assert done.returncode != 0
    assert audit in done.stdout
