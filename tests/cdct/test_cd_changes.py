"""Managed CD's ``changes`` job deploys every pin that a push changed, however many commits
the push carried, and every pinned model when there is no earlier tree to compare with.

The job's own shell runs against real git repositories: a bare ``origin``, a developer's
clone that pushes, and the runner's clone of ``origin`` at the pushed commit (what
``actions/checkout`` with ``fetch-depth: 0`` gives)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cdct.conftest import git
from tests.cdct.git_pushes import commit, developer, pin
from tests.cdct.workflow_steps import Ran, job_steps, run_step

ZERO = "0" * 40
__all__ = ["developer"]  # the fixture


def changes(developer: Path, event: str, before: str) -> Ran:
    """The ``changes`` job on a fresh runner: checkout of origin's main, then its step."""
    runner = developer.parent / "runner"
    shutil.rmtree(runner, ignore_errors=True)
    git(developer.parent, "clone", "-q", "origin.git", "runner")
    sha = git(runner, "rev-parse", "HEAD").strip()
    step = job_steps(runner / ".github/workflows/cd.yml", "changes")[
        "Changed pins that name a model"
    ]
    env = {"GITHUB_EVENT_NAME": event, "GITHUB_SHA": sha}
    expressions = {"github.event.before": before}
    return run_step(step, runner, env, developer.parent / "runner-temp", expressions)


def deployed(ran: Ran) -> str:
    assert ran.returncode == 0, ran.stderr
    return ran.outputs["environments"]


def test_a_push_of_several_commits_deploys_the_pin_its_first_commit_changed(
    developer: Path,
) -> None:
    pin(developer, "production", "1" * 32)
    before = commit(developer, "production serves a model")
    git(developer, "push", "-q", "origin", "main")

    pin(developer, "staging", "2" * 32)
    commit(developer, "pin a new staging model")
    (developer / "README.md").write_text("unrelated\n", encoding="utf-8")
    commit(developer, "an unrelated change in the same push")
    git(developer, "push", "-q", "origin", "main")

    assert deployed(changes(developer, "push", before)) == '["staging"]'


def test_a_merge_that_is_not_squashed_deploys_the_pin_of_its_branch(developer: Path) -> None:
    before = git(developer, "rev-parse", "HEAD").strip()
    git(developer, "switch", "-q", "-c", "promote")
    pin(developer, "production", "3" * 32)
    commit(developer, "promote")
    (developer / "NOTES.md").write_text("after the pin\n", encoding="utf-8")
    commit(developer, "a later commit on the branch")
    git(developer, "switch", "-q", "main")
    (developer / "README.md").write_text("main moved\n", encoding="utf-8")
    commit(developer, "main moved")
    git(developer, "merge", "-q", "--no-ff", "-m", "merge promote", "promote")
    git(developer, "push", "-q", "origin", "main")

    assert deployed(changes(developer, "push", before)) == '["production"]'


def test_a_push_that_changes_no_pin_deploys_nothing(developer: Path) -> None:
    pin(developer, "staging", "4" * 32)
    before = commit(developer, "staging pinned")
    git(developer, "push", "-q", "origin", "main")
    (developer / "README.md").write_text("docs only\n", encoding="utf-8")
    commit(developer, "docs")
    git(developer, "push", "-q", "origin", "main")

    assert deployed(changes(developer, "push", before)) == "[]"


@pytest.mark.parametrize("how", ["force-push", "new-branch", "dispatch", "not-a-sha"])
def test_with_no_earlier_tree_every_pinned_model_is_deployed(developer: Path, how: str) -> None:
    pin(developer, "staging", "5" * 32)
    pin(developer, "production", "6" * 32)
    commit(developer, "both pinned")
    git(developer, "push", "-q", "origin", "main")
    (developer / "README.md").write_text("first\n", encoding="utf-8")
    gone = commit(developer, "a commit the force push drops")
    git(developer, "push", "-q", "origin", "main")
    git(developer, "reset", "-q", "--hard", "HEAD^")
    (developer / "README.md").write_text("rewritten\n", encoding="utf-8")
    commit(developer, "the rewritten history")
    git(developer, "push", "-q", "--force", "origin", "main")
    git(developer.parent / "origin.git", "reflog", "expire", "--expire=now", "--all")
    git(developer.parent / "origin.git", "gc", "-q", "--prune=now")

    event, before = {
        "force-push": ("push", gone),
        "new-branch": ("push", ZERO),
        "dispatch": ("workflow_dispatch", ""),
        "not-a-sha": ("push", "HEAD^; true"),
    }[how]
    ran = changes(developer, event, before)
    assert deployed(ran) == '["staging","production"]'
    assert ran.summary.splitlines() == [
        f"No earlier tree to compare (event {event}, before '{before or 'none'}'):"
        " every pinned model counts",
        'Pins to deploy: ["staging","production"]',
    ]


def test_an_unpinned_environment_is_never_deployed(developer: Path) -> None:
    pin(developer, "staging", "7" * 32)
    commit(developer, "staging only")
    git(developer, "push", "-q", "origin", "main")

    assert deployed(changes(developer, "workflow_dispatch", "")) == '["staging"]'
