"""Re-running serve-image.yml for a commit whose image is already pushed succeeds and records
that image's digest, on every cloud.

The build step's own shell runs. ECR is moto's (on 127.0.0.1, with immutable tags as the
Terraform module sets them) and ``aws`` is the real AWS CLI, installed from PyPI in a
virtual environment of its own; ``docker`` cannot run here (no engine), so a stub stands in
for it: its push puts a new manifest into moto's ECR, as a rebuild would. For Artifact
Registry and ACR, which cannot run here, the stub also plays the registry (a JSON file):
immutable tags for Artifact Registry, tags that move for ACR, and ``buildx imagetools
inspect`` answering "not found" for a missing tag.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cdct.conftest import Render, copy_repo, git
from tests.cdct.registry_stubs import (
    AWS_CREDENTIALS,
    DOCKER_ECR,
    DOCKER_FILE_REGISTRY,
    ECR,
    REGISTRY,
    stubs,
)
from tests.cdct.test_image_attestation import gh_calls, install_gh, verify_args
from tests.cdct.workflow_steps import Ran, job_steps, run_step

STEP = "Build (and push, once the registry is set)"


def build(repo: Path, env: dict[str, str], prefix: str = "", main_attests: str = "false") -> Ran:
    """The build step; ``main_attests`` is "true" for a run on main with attestations on."""
    step = job_steps(repo / ".github/workflows/serve-image.yml", "build")[STEP]
    expressions = {
        "vars.SERVING_IMAGE_REPOSITORY": env["REPOSITORY_VALUE"],
        "github.event_name == 'pull_request' && format('pr-{0}-', "
        "github.event.pull_request.number) || ''": prefix,
        "github.event_name != 'pull_request' && vars.IMAGE_ATTESTATIONS != 'off'": main_attests,
        "github.token": "ghs_job_token",
    }
    return run_step(step, repo, env, repo.parent / "runner-temp", expressions)


def pushes(folder: Path) -> int:
    log = (folder / "docker.log").read_text(encoding="utf-8").splitlines()
    return log.count("buildx build")


@pytest.mark.slow
def test_a_rerun_on_ecr_records_the_pushed_image_and_pushes_nothing(
    render: Render, tmp_path: Path, aws_cli: Path, ecr: str
) -> None:
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    folder = stubs(tmp_path, DOCKER_ECR)
    env = {
        **AWS_CREDENTIALS,
        "AWS_ENDPOINT_URL": ecr,
        "PATH": f"{folder}:{aws_cli}:/usr/bin:/bin",
        "STUBS": str(folder),
        "REPOSITORY_VALUE": ECR,
    }
    first = build(repo, env)
    assert first.returncode == 0, first.stderr
    image = first.outputs["image"]
    assert image.startswith(f"{ECR}@sha256:")
    assert first.outputs["framework"] == "scikit-learn==1.5.2"

    again = build(repo, env)  # the re-run: the tag is there, immutable
    assert again.returncode == 0, again.stderr
    assert again.outputs == first.outputs
    assert pushes(folder) == 1
    assert again.summary.splitlines()[0] == (
        f"`{ECR}:{head(repo)}` was pushed by an earlier run: its digest is recorded,"
        " nothing is pushed"
    )

    other = build(repo, env, prefix="pr-7-")  # another tag: a build of its own
    assert other.returncode == 0, other.stderr
    assert other.outputs["image"] != image
    assert pushes(folder) == 2


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_a_rerun_records_the_pushed_image_and_pushes_nothing(
    render: Render, tmp_path: Path, cloud: str
) -> None:
    """Artifact Registry would refuse the second push (immutable tags); ACR would move the
    tag to a rebuilt image and later expire the pinned one, left untagged."""
    repo = copy_repo(render(cloud=cloud), tmp_path / "repo")
    mutable = cloud == "azure"
    folder = stubs(tmp_path, DOCKER_FILE_REGISTRY.replace("{mutable}", str(mutable)))
    env = {"PATH": f"{folder}:/usr/bin:/bin", "STUBS": str(folder)}
    env["REPOSITORY_VALUE"] = REGISTRY[cloud]
    first = build(repo, env)
    assert first.returncode == 0, first.stderr
    again = build(repo, env)
    assert again.returncode == 0, again.stderr
    assert again.outputs == first.outputs
    assert pushes(folder) == 1
    tags = json.loads((folder / "registry.json").read_text(encoding="utf-8"))
    assert tags == {f"{REGISTRY[cloud]}:{head(repo)}": first.outputs["image"].split("@")[1]}


def test_a_registry_that_cannot_be_asked_fails_the_build_before_any_push(
    render: Render, tmp_path: Path
) -> None:
    repo = copy_repo(render(cloud="azure"), tmp_path / "repo")
    folder = stubs(tmp_path, DOCKER_FILE_REGISTRY.replace("{mutable}", "True"))
    env = {"PATH": f"{folder}:/usr/bin:/bin", "STUBS": str(folder), "REGISTRY_DOWN": "1"}
    env["REPOSITORY_VALUE"] = REGISTRY["azure"]
    ran = build(repo, env)
    assert (ran.returncode, ran.stderr) == (
        1,
        "ERROR: unexpected status from HEAD request: 401 Unauthorized\n",
    )
    assert (ran.outputs, pushes(folder)) == ({}, 0)


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_main_reuses_a_pushed_tag_only_when_main_attested_its_digest(
    render: Render, tmp_path: Path, cloud: str
) -> None:
    """A pull request's run may push any tag (its author controls the workflow file), such as
    the commit main will build: main, which attests what it pushes, must not attest that
    image. It reuses a pushed tag's digest only when main's attestation is on it already (a
    re-run), and otherwise builds its own under a tag of this run."""
    repo = copy_repo(render(cloud=cloud), tmp_path / "repo")
    folder = stubs(tmp_path, DOCKER_FILE_REGISTRY.replace("{mutable}", str(cloud == "azure")))
    planted = "sha256:" + "ee" * 32
    tag = f"{REGISTRY[cloud]}:{head(repo)}"
    (folder / "registry.json").write_text(json.dumps({tag: planted}), encoding="utf-8")
    env = {
        "PATH": f"{folder}:{install_gh(tmp_path)}:/usr/bin:/bin",
        "STUBS": str(folder),
        "REPOSITORY_VALUE": REGISTRY[cloud],
        "GITHUB_REPOSITORY": "acme/my-ml-project",
        "GITHUB_RUN_ID": "42",
        "GITHUB_RUN_ATTEMPT": "1",
        "GH_RECORD": str(tmp_path / "gh-calls.jsonl"),
        "ATTESTED": f"{planted}=refs/pull/7/merge",
    }
    ran = build(repo, env, main_attests="true")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[0] == (
        f"::warning::{tag} holds {planted}, which has no attestation of serve-image.yml on"
        " main: not reused, this run builds its own"
    )
    own = ran.outputs["digest"]
    assert own != planted
    assert pushes(folder) == 1
    tags = json.loads((folder / "registry.json").read_text(encoding="utf-8"))
    assert tags == {tag: planted, f"{tag}-run42-1": own}
    calls = [call["args"] for call in gh_calls(tmp_path / "gh-calls.jsonl")]
    assert calls == [verify_args(f"{REGISTRY[cloud]}@{planted}")]

    env["ATTESTED"] = planted  # main's own earlier run pushed and attested it: a re-run
    again = build(repo, env, main_attests="true")
    assert again.returncode == 0, again.stderr
    assert again.outputs["image"] == f"{REGISTRY[cloud]}@{planted}"
    assert pushes(folder) == 1


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()
