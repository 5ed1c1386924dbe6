"""Which finished runs publish.yml publishes: its rebase job's ``if`` (the publish job needs
it) evaluated as GitHub does for the ``workflow_run`` events that can reach it.

Only this repository's ct.yml and serve-image.yml, on a pull request or the default
branch, finished (a gate-refused pull request fails after its upload and is still
committed) and started by a person: a fork's run, a bot's (Dependabot's get no secret, the
App's own commits would loop) and a cancelled one never reach the job that holds the key.
"""

from __future__ import annotations

import pytest
import yaml

from tests.cdct.conftest import Render
from tests.cdct.test_serve_image_identity import runs_build

OURS, FORK = "acme/my-ml-project", "stranger/my-ml-project"
PULL_REQUEST = {
    "event_workflow_run_event": "pull_request",
    "event_workflow_run_conclusion": "success",
    "event_workflow_run_path": ".github/workflows/ct.yml",
    "event_workflow_run_head_branch": "bump-the-lock",
    "event_workflow_run_head_repository_full_name": OURS,
    "event_workflow_run_actor_login": "maintainer",
    "event_repository_default_branch": "main",
    "repository": OURS,
    "actor": "maintainer",
}
MAIN = {
    **PULL_REQUEST,
    "event_workflow_run_event": "push",
    "event_workflow_run_head_branch": "main",
}
CASES = {
    "CT on a maintainer's pull request": ({}, True),
    "the image on a maintainer's pull request": (
        {"event_workflow_run_path": ".github/workflows/serve-image.yml"},
        True,
    ),
    "a gate-refused pull request (failed after its upload)": (
        {"event_workflow_run_conclusion": "failure"},
        True,
    ),
    "a cancelled run": ({"event_workflow_run_conclusion": "cancelled"}, False),
    "a fork's pull request": ({"event_workflow_run_head_repository_full_name": FORK}, False),
    "Dependabot's pull request": (
        {"event_workflow_run_actor_login": "dependabot[bot]", "actor": "dependabot[bot]"},
        False,
    ),
    "the App's own commit": ({"event_workflow_run_actor_login": "acme-ct[bot]"}, False),
    "another workflow named ct": ({"event_workflow_run_path": ".github/workflows/x.yml"}, False),
    "a dispatch on a branch": (
        {"event_workflow_run_event": "workflow_dispatch", "event_workflow_run_head_branch": "x"},
        False,
    ),
}


def condition(repo_condition: str, app_id: str) -> str:
    return repo_condition.replace("vars.CT_APP_ID", repr(app_id))


@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_publish_takes_this_repositorys_finished_runs_by_people_only(
    render: Render, cloud: str
) -> None:
    text = (render(cloud=cloud) / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    rebase = str(yaml.safe_load(text)["jobs"]["rebase"]["if"])
    for case, (change, expected) in CASES.items():
        context = {**PULL_REQUEST, **change}
        assert runs_build(condition(rebase, "12345"), **context) is expected, case
    for event in ("push", "schedule", "repository_dispatch", "workflow_dispatch"):
        on_main = {**MAIN, "event_workflow_run_event": event}
        assert runs_build(condition(rebase, "12345"), **on_main), event
    assert not runs_build(condition(rebase, ""), **PULL_REQUEST)  # no App: nothing published
