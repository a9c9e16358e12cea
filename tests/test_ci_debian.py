"""`make ci-debian` reads the workflows' own steps: everything in them it must play by hand
(actions, expressions, conditions) it knows, and anything new stops it, named."""

from __future__ import annotations

import importlib.util
import re

import pytest
from conftest import REPO

spec = importlib.util.spec_from_file_location("ci_debian", REPO / ".ci" / "debian.py")
debian = importlib.util.module_from_spec(spec)
spec.loader.exec_module(debian)

JOBS = [("pages.yml", "build", None), ("linkcheck.yml", "linkcheck", "check")]


@pytest.mark.parametrize(("name", "job", "stop"), JOBS)
def test_every_step_of_the_job_is_one_ci_debian_can_run(name, job, stop):
    job_env, steps = debian.job_steps(REPO / ".github" / "workflows" / name, job)
    if stop:
        steps = steps[: next(i for i, step in enumerate(steps) if step.get("id") == stop)]
    assert any("run" in step for step in steps)
    for step in steps:
        values = {**job_env, **step.get("env", {})}.values()
        for text in [step.get("run", ""), step.get("if", ""), *map(str, values)]:
            debian.expand(text)  # raises for an expression it does not know
        if "uses" in step:
            assert step["uses"].split("@")[0] in debian.KNOWN_ACTIONS, step["uses"]


def test_an_expression_or_an_action_it_does_not_know_stops_it(tmp_path):
    with pytest.raises(debian.Stop, match=re.escape("${{ secrets.TOKEN }}, which this script does not know")):
        debian.expand("echo ${{ secrets.TOKEN }}")
    with pytest.raises(debian.Stop, match="actions/setup-node, which this script does not know how to play"):
        debian.play(tmp_path, {"uses": "actions/setup-node@v4"})


def test_the_workspace_is_where_github_puts_it_and_belongs_to_the_runner():
    assert debian.WORKSPACE == "/__w/pelican-guide/pelican-guide" and debian.RUNNER_UID == 1001
