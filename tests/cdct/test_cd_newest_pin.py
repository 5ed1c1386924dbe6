"""Managed CD deploys exactly its run's commit (``github.sha``), and only while that
commit's pin is still its branch's newest: GitHub runs one job per environment at a time,
cancels an older pending one and does not promise the order of the rest, so a run whose
pin a later commit changed is skipped (green, saying why), and an older pin never replaces
a newer one.

The deploy job's deciding step runs against real git: a bare ``origin``, a developer's
clone that pushes, and the runner's clone of ``origin`` as ``actions/checkout`` leaves it
with ``ref: github.sha`` and ``fetch-depth: 0`` (every branch under ``origin/``, the run's
commit checked out), made after the later pushes, as when a job starts late."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cdct.conftest import git
from tests.cdct.git_pushes import commit, developer, pin
from tests.cdct.workflow_steps import Ran, job_steps, run_step

pytestmark = pytest.mark.slow
__all__ = ["developer"]  # the fixture
STEP = "This run's pin is still its branch's newest"


def deciding(
    developer: Path, run_sha: str, env: str = "staging", ref: str = "refs/heads/main"
) -> Ran:
    """The deploy job of the run for ``run_sha``, starting now: its checkout, then its step."""
    runner = developer.parent / "runner"
    shutil.rmtree(runner, ignore_errors=True)
    git(developer.parent, "clone", "-q", "origin.git", "runner")
    git(runner, "checkout", "-q", "--detach", run_sha)
    step = job_steps(runner / ".github/workflows/cd.yml", "deploy")[STEP]
    assert step["id"] == "newest"
    job_env = {"GITHUB_REF": ref, "ENVIRONMENT": env}
    return run_step(
        step, runner, job_env, developer.parent / "runner-temp", {"github.sha": run_sha}
    )


def pushed(developer: Path, message: str, **pins: str) -> str:
    """A commit that pins ``pins`` (environment: md5) or, with none, changes the README."""
    for environment, md5 in pins.items():
        pin(developer, environment, md5)
    if not pins:
        readme = developer / "README.md"
        readme.write_text(readme.read_text(encoding="utf-8") + message + "\n", encoding="utf-8")
    sha = commit(developer, message)
    git(developer, "push", "-q", "origin", "HEAD:main")
    return sha


def decided(ran: Ran) -> tuple[str, str]:
    assert ran.returncode == 0, ran.stderr
    return ran.outputs["deploy"], ran.summary


def test_a_run_whose_pin_a_later_commit_changed_is_skipped(developer: Path) -> None:
    older = pushed(developer, "pin a", staging="a" * 32)
    newer = pushed(developer, "pin b", staging="b" * 32)
    # the newer run's job ran first (or is still pending): the older one deploys nothing
    assert decided(deciding(developer, older)) == (
        "false",
        f"Not deploying deploy/staging.yaml as of {older}: {newer} changed it since (main is at"
        f" {newer}), and the run of that change deploys the newer pin\n",
    )
    assert decided(deciding(developer, newer)) == (
        "true",
        f"Deploying deploy/staging.yaml as of {newer}, this run's commit (the newest pin: main is"
        f" at {newer})\n",
    )


def test_later_commits_that_leave_the_pin_alone_do_not_stop_its_deploy(developer: Path) -> None:
    run = pushed(developer, "pin both", staging="c" * 32, production="d" * 32)
    pushed(developer, "docs")
    tip = pushed(developer, "promote", production="e" * 32)
    assert decided(deciding(developer, run)) == (
        "true",
        f"Deploying deploy/staging.yaml as of {run}, this run's commit (the newest pin: main is"
        f" at {tip})\n",
    )
    assert decided(deciding(developer, run, "production"))[0] == "false"


def test_a_pin_changed_and_changed_back_is_the_newest_again(developer: Path) -> None:
    first = pushed(developer, "pin a", staging="a" * 32)
    middle = pushed(developer, "pin b", staging="b" * 32)
    back = pushed(developer, "back to a", staging="a" * 32)
    assert decided(deciding(developer, first))[0] == "true"  # the same model again
    deploy, summary = decided(deciding(developer, middle))
    assert (deploy, summary.split(": ")[1].split(" ")[0]) == ("false", back)


def test_a_commit_that_left_the_branch_is_not_deployed(developer: Path) -> None:
    gone = pushed(developer, "pin a", staging="a" * 32)
    git(developer, "reset", "-q", "--hard", "HEAD^")
    pin(developer, "staging", "f" * 32)
    rewritten = commit(developer, "pin f instead")
    git(developer, "push", "-q", "--force", "origin", "HEAD:main")
    git(developer.parent / "origin.git", "tag", "kept", gone)  # still fetchable, off main
    assert decided(deciding(developer, gone)) == (
        "false",
        f"Not deploying deploy/staging.yaml: {gone} is no longer on main (now at {rewritten}),"
        " whose own run deploys its pin\n",
    )


def test_a_run_for_a_tag_deploys_its_own_commit(developer: Path) -> None:
    tagged = pushed(developer, "pin a", staging="a" * 32)
    pushed(developer, "pin b", staging="b" * 32)
    assert decided(deciding(developer, tagged, ref="refs/tags/v1.0.0")) == (
        "true",
        f"Deploying deploy/staging.yaml as of {tagged} (refs/tags/v1.0.0 is not a branch: its"
        " commit is deployed)\n",
    )


def test_a_branch_that_is_gone_fails_the_job(developer: Path) -> None:
    run = pushed(developer, "pin a", staging="a" * 32)
    ran = deciding(developer, run, ref="refs/heads/release")
    assert ran.returncode == 1
    assert ran.stdout == (
        f"::error::the branch release is gone: nothing tells whether {run}'s pin is still the"
        " newest\n"
    )
    assert "deploy" not in ran.outputs
