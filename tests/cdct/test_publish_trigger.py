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
from tests.cdct.test_serve_image_identity import evaluate, runs_build

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
    # GitHub's REST examples name the file with its ref: `.github/workflows/build.yml@main`.
    "CT's path with its ref": (
        {"event_workflow_run_path": ".github/workflows/ct.yml@refs/heads/bump-the-lock"},
        True,
    ),
    "the image's path with its ref": (
        {"event_workflow_run_path": ".github/workflows/serve-image.yml@main"},
        True,
    ),
    "a workflow whose file name starts as ct.yml's": (
        {"event_workflow_run_path": ".github/workflows/ct.yml.yml"},
        False,
    ),
    "a workflow whose file name starts as serve-image.yml's, with a ref": (
        {"event_workflow_run_path": ".github/workflows/serve-image.yml-old.yml@main"},
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


RUN_ID = "987654321"


def group_of(group: str, app_id: str, **context: str) -> object:
    """publish.yml's concurrency group for one finished run (``publish-${{ ... }}``)."""
    assert group.startswith("publish-${{") and group.endswith("}}"), group
    expression = condition(group.removeprefix("publish-${{").removesuffix("}}"), app_id)
    return evaluate(expression, run_id=RUN_ID, event_workflow_run_name="ct", **context)


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_a_run_the_rebase_job_skips_queues_alone(render: Render, cloud: str) -> None:
    """GitHub keeps one pending run per concurrency group: a run that cannot publish must
    never share (and so replace) a real result's queue. The group asks the rebase job's own
    question, for every case: a dispatch on a branch, no App, a path with its ref."""
    text = (render(cloud=cloud) / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    rebase, group = str(workflow["jobs"]["rebase"]["if"]), str(workflow["concurrency"]["group"])
    contexts = [{**PULL_REQUEST, **change} for change, _ in CASES.values()]
    contexts += [
        {**MAIN, "event_workflow_run_event": event} for event in ("push", "workflow_dispatch")
    ]
    seen = set()
    for context in contexts:
        for app_id in ("12345", ""):
            publishes = runs_build(condition(rebase, app_id), **context)
            queue = group_of(group, app_id, **context)
            if not publishes:
                expected = f"idle-{RUN_ID}"
            elif context["event_workflow_run_event"] == "pull_request":
                expected = "pr-bump-the-lock"
            else:
                expected = "main-ct"
            assert queue == expected, (context, app_id)
            seen.add(str(expected))
    assert seen == {f"idle-{RUN_ID}", "pr-bump-the-lock", "main-ct"}


@pytest.mark.parametrize("suffix", ["", "@refs/heads/main", "@main"])
def test_the_result_kind_reads_the_workflow_path_with_or_without_its_ref(
    render: Render, suffix: str
) -> None:
    """The artifact pattern, the kind and the accept step all tell CT from the image by the
    path, which may carry an @<ref>."""
    workflow = yaml.safe_load(
        (render(cloud="aws") / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    )
    rebase, publish = workflow["jobs"]["rebase"]["steps"], workflow["jobs"]["publish"]["steps"]
    pattern = str(rebase[0]["with"]["pattern"]).removeprefix("${{").removesuffix("}}")
    accept = {
        step["id"]: str(step["if"]) for step in publish if step.get("id", "").startswith("accept-")
    }
    for file, kind, artifact in (
        ("ct.yml", "ct", "ct-result"),
        ("serve-image.yml", "image", "image-pin"),
    ):
        path = {"event_workflow_run_path": f".github/workflows/{file}{suffix}"}
        assert evaluate(pattern, **path) == artifact
        assert {step: runs_build(test, **path) for step, test in accept.items()} == {
            "accept-ct": kind == "ct",
            "accept-image": kind == "image",
        }
