"""serve-image.yml's build may use ``serving-image`` on a pull request, and the cloud trusts it.

A pull request from this repository that changes the lock gets its serving image
built and pinned (MOD007 turns green then): GitHub must let the job use the
``serving-image`` environment on the pull request's branch, and each cloud's
pusher identity must trust the token of ``serve-image.yml`` at the pull
request's merge ref, besides main's pushes and dispatches. Other workflows and
other refs stay refused on the clouds that can pin the workflow file.
"""

from __future__ import annotations

import pytest

from tests.cdct import oidc_trust
from tests.cdct.conftest import Render

CLOUDS = ["aws", "gcp", "azure"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_serve_image_event_may_use_its_environment_and_its_token_is_trusted(
    render: Render, cloud: str
) -> None:
    repo = render(cloud=cloud)
    workflow = oidc_trust.workflow(repo, "serve-image.yml")
    events, jobs = workflow[True], workflow["jobs"]
    assert isinstance(events, dict) and isinstance(jobs, dict)
    assert set(events) == {"push", "pull_request", "workflow_dispatch"}
    assert {name: job.get("environment") for name, job in jobs.items()} == {
        "build": "serving-image",
        "pin": None,
    }
    assert oidc_trust.refusals(repo, cloud, "serve-image.yml") == []


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_the_pusher_trusts_serve_image_yml_on_main_and_pull_requests_only(
    render: Render, cloud: str
) -> None:
    repo = render(cloud=cloud)
    ref = oidc_trust.job_workflow_ref
    for trusted in ("refs/heads/main", "refs/pull/7/merge", "refs/pull/1234/merge"):
        assert oidc_trust.trusts(repo, cloud, "serving-image", ref("serve-image.yml", trusted))
    for refused in [
        ref("serve-image.yml", "refs/heads/feature/bump-the-lock"),
        ref("serve-image.yml", "refs/tags/v1"),
        ref("ct.yml", "refs/pull/7/merge"),
        ref("ct.yml", "refs/heads/main"),
        f"someone/else/.github/workflows/serve-image.yml@{oidc_trust.PR_REF}",
    ]:
        assert not oidc_trust.trusts(repo, cloud, "serving-image", refused), refused


def test_serve_image_skips_forks_and_bots_and_tags_pull_request_images(render: Render) -> None:
    """A fork's or a bot's run gets no token (and the App's pin commit would loop)."""
    build = oidc_trust.workflow(render(cloud="aws"), "serve-image.yml")["jobs"]["build"]  # type: ignore[index]
    condition = " ".join(build["if"].split())
    assert condition == (
        "github.event_name != 'pull_request' || "
        "( github.event.pull_request.head.repo.full_name == github.repository "
        "&& !endsWith(github.actor, '[bot]'))"
    )
    step = next(step for step in build["steps"] if step.get("id") == "build")
    assert step["env"]["TAG_PREFIX"] == (
        "${{ github.event_name == 'pull_request' && "
        "format('pr-{0}-', github.event.pull_request.number) || '' }}"
    )
    assert '--tag "$REPOSITORY:$TAG_PREFIX$(git rev-parse HEAD)"' in step["run"]
