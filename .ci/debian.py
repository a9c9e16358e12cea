"""`make ci-debian`: a workflow job's steps, run in a clean Debian 12 root as GitHub runs them.

GitHub runs a job with `container: debian:12` as root, in a checkout that belongs to the
runner's user (uid 1001), with CI=true; the `debian:12` image is what
`debootstrap --variant=minbase bookworm` makes. This script makes that root once (kept under
ROOT/base, outside the repository), copies it afresh for every run, clones the repository
into it with its whole history, gives the checkout to uid 1001, and runs the job's `run:`
steps in order, read from the workflow file itself, so they cannot drift from what GitHub
runs. The `uses:` steps it knows are played by hand (the checkout, the Pages address); an
action or an expression it does not know stops it, never passes unseen.

Everything runs in a mount namespace of its own: /proc, /dev, /dev/shm and a tmpfs /tmp are
mounted only there, and vanish when it ends, however it ends.

    python .ci/debian.py [--root DIR] [--stop-before STEP_ID] WORKFLOW JOB
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
MIRROR = "http://deb.debian.org/debian"
SUITE = "bookworm"
RUNNER_UID = 1001  # the GitHub runner's user, who owns the workspace
# Where GitHub puts things in a container job.
WORKSPACE = "/__w/pelican-guide/pelican-guide"
HOME = "/github/home"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What the `uses:` steps give later steps; a made-up address, as configure-pages gives one.
EXPRESSIONS = {
    "steps.pages.outputs.base_url": os.environ.get(
        "CI_DEBIAN_SITEURL", "https://owner.github.io/pelican-guide"
    ),
    "!cancelled()": "true",
    "github.run_id": "1",
}


# How this machine reaches the package registries, where its network asks for it: the
# certificate authorities it adds (a network that inspects TLS) go into the root, where the
# workflow's ca-certificates takes them up, and these variables go to every step. On a
# machine that needs neither, nothing is added: the steps see what GitHub's container sees.
LOCAL_CAS = Path("/usr/local/share/ca-certificates")
PASSED_ON = (
    "PIP_CERT",
    "NODE_EXTRA_CA_CERTS",
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "GIT_SSL_CAINFO",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)


def say(line: str) -> None:
    print(f"ci-debian: {line}", flush=True)


class Stop(Exception):
    """The run cannot go on: the reason, in one line."""


def expand(text: str) -> str:
    """`${{ expression }}` replaced by what the job would see; an unknown one stops the run."""

    def value(match: re.Match) -> str:
        expression = match.group(1).strip()
        if expression not in EXPRESSIONS:
            raise Stop(f"the workflow uses ${{{{ {expression} }}}}, which this script does not know")
        return EXPRESSIONS[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))


def base_root(root: Path) -> Path:
    """A minimal Debian 12, made once with debootstrap and kept."""
    base = root / "base"
    if (base / ".complete").exists():
        return base
    if shutil.which("debootstrap") is None:
        say("installing debootstrap with apt-get")
        subprocess.run(["apt-get", "install", "-y", "-q", "debootstrap"], check=True)
    making = root / "base.making"
    shutil.rmtree(making, ignore_errors=True)
    say(f"debootstrap --variant=minbase {SUITE} {making} {MIRROR}")
    done = subprocess.run(
        ["debootstrap", "--variant=minbase", SUITE, str(making), MIRROR],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise Stop(f"debootstrap failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    (making / ".complete").touch()
    making.rename(base)
    return base


def fresh_root(root: Path, base: Path, name: str) -> Path:
    """A copy of the base root for one run (nothing is mounted in it outside the namespace)."""
    run = root / f"run-{name}"
    if run.exists():
        subprocess.run(["rm", "-rf", "--one-file-system", str(run)], check=True)
    subprocess.run(["cp", "-a", str(base), str(run)], check=True)
    shutil.copy2("/etc/resolv.conf", run / "etc" / "resolv.conf")
    for authority in sorted(LOCAL_CAS.glob("*.crt")):
        (run / LOCAL_CAS.relative_to("/")).mkdir(parents=True, exist_ok=True)
        shutil.copy2(authority, run / LOCAL_CAS.relative_to("/") / authority.name)
    for folder in (HOME, "/__w/_temp", WORKSPACE):  # GitHub makes them before the first step
        (run / folder.lstrip("/")).mkdir(parents=True, exist_ok=True)
    os.chown(run / WORKSPACE.lstrip("/"), RUNNER_UID, RUNNER_UID)
    return run


def checkout(run: Path, options: dict) -> None:
    """actions/checkout: the repository's committed HEAD, with as much history as asked,
    owned by the runner's user."""
    target = run / WORKSPACE.lstrip("/")
    target.rmdir()  # empty: git clones into it anew
    depth = int(options.get("fetch-depth", 1))
    command = ["git", "clone", "-q", "--no-hardlinks"]
    if depth:
        command += ["--depth", str(depth)]
    subprocess.run([*command, f"file://{REPO}", str(target)], check=True)
    subprocess.run(["chown", "-R", f"{RUNNER_UID}:{RUNNER_UID}", str(target)], check=True)
    head = subprocess.run(
        ["git", "-C", str(REPO), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    ).stdout.strip()
    say(f"checked out {head} into {WORKSPACE}, owned by uid {RUNNER_UID}, fetch-depth {depth}")


MOUNTS = """
set -e
mount -t proc proc "$ROOT/proc"
mount --rbind /dev "$ROOT/dev"
mount -t tmpfs -o mode=1777 shm "$ROOT/dev/shm"
mount -t tmpfs -o mode=1777 tmp "$ROOT/tmp"
exec chroot "$ROOT" /usr/bin/env -i "$@"
"""


def run_step(run: Path, number: int, script: str, env: dict[str, str]) -> int:
    """One `run:` step as GitHub runs it without a `shell:`: bash -e on a file, in the
    workspace, as root, in a mount namespace that ends with the step."""
    path = run / "__w" / "_temp" / f"step-{number}.sh"
    path.write_text(script, encoding="utf-8")
    variables = {
        "HOME": HOME,
        "PATH": PATH,
        "LANG": "C.UTF-8",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": WORKSPACE,
        "RUNNER_TEMP": "/__w/_temp",
        **{name: os.environ[name] for name in PASSED_ON if name in os.environ},
        **env,
    }
    inner = ["bash", "-c", f"cd {shlex.quote(WORKSPACE)} && exec bash -e /__w/_temp/step-{number}.sh"]
    command = [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--fork",
        "--kill-child",
        "env",
        f"ROOT={run}",
        "sh",
        "-c",
        MOUNTS,
        "sh",
        *(f"{key}={value}" for key, value in variables.items()),
        *inner,
    ]
    return subprocess.run(command, stdin=subprocess.DEVNULL).returncode


KNOWN_ACTIONS = (
    "actions/checkout",
    "actions/configure-pages",
    "actions/cache",
    "actions/upload-pages-artifact",
    "actions/upload-artifact",
)


def play(run: Path, step: dict) -> None:
    """A `uses:` step this script knows, played by hand."""
    action = step["uses"].split("@")[0]
    if action == "actions/checkout":
        checkout(run, step.get("with", {}))
    elif action in ("actions/configure-pages", "actions/cache"):
        say(f"{action}: nothing to do here")
    elif action in ("actions/upload-pages-artifact", "actions/upload-artifact"):
        path = run / WORKSPACE.lstrip("/") / step.get("with", {}).get("path", "")
        if action == "actions/upload-pages-artifact" and not (path / "index.html").is_file():
            raise Stop(f"{action}: {path} holds no index.html to publish")
        say(f"{action}: {path.relative_to(run)} is there ({sum(1 for _ in path.rglob('*'))} files)")
    else:  # a new action, or one a workflow should not need here (setup-*)
        raise Stop(f"the workflow uses {action}, which this script does not know how to play")


def job_steps(workflow: Path, job: str) -> tuple[dict, list[dict]]:
    loaded = YAML(typ="safe").load(workflow.read_text(encoding="utf-8"))
    found = loaded["jobs"][job]
    if found.get("container") not in ("debian:12", {"image": "debian:12"}):
        raise Stop(f"{workflow.name}: job {job} does not run in the debian:12 container")
    return {**loaded.get("env", {}), **found.get("env", {})}, found["steps"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workflow", type=Path)
    parser.add_argument("job")
    parser.add_argument("--root", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "ci-debian")
    parser.add_argument("--stop-before", metavar="STEP_ID", help="run the steps before the one with this id")
    options = parser.parse_args(argv)
    if os.geteuid() != 0:
        say("needs root, as GitHub's container job runs (debootstrap, chroot, mounts)")
        return 2
    started = time.monotonic()
    label = f"{options.workflow.name} job {options.job}"
    try:
        env, steps = job_steps(options.workflow, options.job)
        options.root.mkdir(parents=True, exist_ok=True)
        base = base_root(options.root)
        run = fresh_root(options.root, base, options.workflow.stem)
        for number, step in enumerate(steps, 1):
            if options.stop_before and step.get("id") == options.stop_before:
                say(f"stopping before step {number} ({step.get('name', step.get('uses'))}), as asked")
                break
            name = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
            if "if" in step and expand(step["if"]) != "true":
                raise Stop(f"step {number} has a condition this script does not know: {step['if']}")
            say(f"step {number}: {name}")
            begun = time.monotonic()
            if "uses" in step:
                play(run, step)
                continue
            variables = {key: expand(value) for key, value in {**env, **step.get("env", {})}.items()}
            status = run_step(run, number, expand(step["run"]), variables)
            took = time.monotonic() - begun
            if status != 0:
                raise Stop(f"step {number} ({name}) failed with exit status {status} after {took:.0f} s")
            say(f"step {number} passed in {took:.0f} s")
    except (Stop, subprocess.CalledProcessError) as problem:
        say(f"{label}: FAILED: {problem} ({(time.monotonic() - started) / 60:.1f} min in all)")
        return 1
    say(
        f"{label}: every step passed in a clean Debian 12 root in {(time.monotonic() - started) / 60:.1f} min"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
