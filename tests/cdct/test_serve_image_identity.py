"""serve-image.yml's build may use ``serving-image`` on a pull request, and the cloud trusts it.

A pull request from this repository that changes the lock gets its serving image
built and pinned (MOD007 turns green then): GitHub must let the job use the
``serving-image`` environment on the pull request's branch, and each cloud's
pusher identity must trust the token of ``serve-image.yml`` at the pull
request's merge ref, besides main's pushes and dispatches. Other workflows and
other refs stay refused on the clouds that can pin the workflow file.
"""

from __future__ import annotations

import re

import pytest

from tests.cdct import oidc_trust
from tests.cdct.conftest import Render
from tests.cdct.oidc_trust import PR_REF

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
        "pin": None,  # hands the pin over to publish.yml, which holds the App's key
    }
    assert oidc_trust.refusals(repo, cloud, "serve-image.yml") == []


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_app_key_environment_admits_main_alone_and_only_publish_yml_uses_it(
    render: Render, cloud: str
) -> None:
    """github-app holds CT_APP_PRIVATE_KEY: no branch may enter it (a branch's edited
    workflow would read the key), and publish.yml, which GitHub runs from the default
    branch on workflow_run, is admitted."""
    repo = render(cloud=cloud)
    assert oidc_trust.deployment_branches(repo, "github-app") == ["main"]
    assert not oidc_trust.admits(repo, "github-app", oidc_trust.PR_BRANCH)
    assert oidc_trust.refusals(repo, cloud, "publish.yml") == []
    users = []
    for path in sorted((repo / ".github/workflows").glob("*.yml")):
        jobs = oidc_trust.workflow(repo, path.name)["jobs"]
        assert isinstance(jobs, dict)
        users += [
            f"{path.name}:{n}" for n, job in jobs.items() if job.get("environment") == "github-app"
        ]
    assert users == ["publish.yml:publish"]


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


def runs_build(condition: str, **context: str) -> bool:
    """GitHub's verdict on a job ``if`` of ``&&``, ``||``, ``!``, ``==``, ``!=``,
    ``startsWith`` and ``endsWith`` over ``github.*`` (an unset property is null), for one
    run's context."""
    return bool(evaluate(condition, **context))


def evaluate(expression: str, **context: str) -> object:
    """The value of an expression as :func:`runs_build` reads it (``&&`` and ``||`` give an
    operand, as GitHub's do), with ``format``."""
    names = {
        name: context.get(name.removeprefix("github.").replace(".", "_"))
        for name in re.findall(r"\bgithub(?:\.\w+)+", expression)
    }
    python = re.sub(r"\bgithub(?:\.\w+)+", lambda m: f"values[{m[0]!r}]", expression)
    python = re.sub(r"!(?!=)", " not ", python).replace("&&", " and ").replace("||", " or ")
    functions = {"endsWith": _ends_with, "startsWith": _starts_with, "format": _format}
    return eval(python, {"__builtins__": {}}, {"values": names, **functions})


def _ends_with(text: str | None, end: str) -> bool:
    """GitHub's ``endsWith``: case-insensitive, null as the empty string."""
    return (text or "").lower().endswith(end.lower())


def _starts_with(text: str | None, start: str) -> bool:
    """GitHub's ``startsWith``: case-insensitive, null as the empty string."""
    return (text or "").lower().startswith(start.lower())


def _format(template: str, *values: object) -> str:
    """GitHub's ``format``: ``{N}`` is the N-th value (null as the empty string)."""
    return re.sub(r"\{(\d+)\}", lambda m: str(values[int(m[1])] or ""), template)


def test_serve_image_builds_same_repository_pull_requests_and_main_only(render: Render) -> None:
    """A fork's or a bot's run gets no token (and the App's pin commit would loop); the
    environment admits any branch, so a dispatch elsewhere than main is refused here."""
    build = oidc_trust.workflow(render(cloud="aws"), "serve-image.yml")["jobs"]["build"]  # type: ignore[index]
    condition = str(build["if"])
    ours, fork = "acme/my-ml-project", "stranger/my-ml-project"
    pull_request = {"event_name": "pull_request", "repository": ours, "ref": PR_REF}
    cases = {
        "a maintainer's pull request": ({**pull_request, "actor": "maintainer"}, True),
        "a fork's pull request": (
            {**pull_request, "actor": "stranger", "event_pull_request_head_repo_full_name": fork},
            False,
        ),
        "Dependabot's pull request": ({**pull_request, "actor": "dependabot[bot]"}, False),
        "the App's pin commit": ({**pull_request, "actor": "acme-ct[bot]"}, False),
        "a push to main": ({"event_name": "push", "ref": "refs/heads/main"}, True),
        "a dispatch on main": ({"event_name": "workflow_dispatch", "ref": "refs/heads/main"}, True),
        "a dispatch on a branch": (
            {"event_name": "workflow_dispatch", "ref": "refs/heads/feature/x"},
            False,
        ),
    }
    for case, (context, expected) in cases.items():
        context.setdefault("event_pull_request_head_repo_full_name", ours)
        assert runs_build(condition, **context) is expected, case


def test_pull_request_images_are_tagged_pr_and_pinned_by_digest(render: Render) -> None:
    build = oidc_trust.workflow(render(cloud="aws"), "serve-image.yml")["jobs"]["build"]  # type: ignore[index]
    step = next(step for step in build["steps"] if step.get("id") == "build")
    assert step["env"]["TAG_PREFIX"] == (
        "${{ github.event_name == 'pull_request' && "
        "format('pr-{0}-', github.event.pull_request.number) || '' }}"
    )
    assert 'tag="$TAG_PREFIX$(git rev-parse HEAD)"' in step["run"]
    assert '--tag "$REPOSITORY:$tag"' in step["run"]
    assert 'echo "image=$REPOSITORY@$digest" >> "$GITHUB_OUTPUT"' in step["run"]
