"""Retention never deletes an image a deploy pin names: serve-image.yml tags each pinned
image ``pinned-<digest hex>`` and every registry module keeps images with that prefix.

The step's shell runs against moto's ECR with the real AWS CLI (see
test_serve_image_rerun.py), and against the stub registry for Artifact Registry and ACR.
The modules' rules are read from their Terraform: the prefix they keep is the one the
workflow tags with, and ECR's keeping rule comes before the rule that counts every image.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import pytest

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.registry_stubs import (
    AWS_CREDENTIALS,
    DOCKER_FILE_REGISTRY,
    ECR,
    REGISTRY,
    boto_args,
    stubs,
)
from tests.cdct.workflow_steps import Ran, job_steps, run_step
from tests.terraform.hcl import unquote
from tests.terraform.tfgraph import Module

STEP = "Protect the pinned images from retention"
MODULES = Path(__file__).resolve().parents[2] / "terraform" / "modules"


def protect(repo: Path, env: dict[str, str], repository: str) -> Ran:
    step = job_steps(repo / ".github/workflows/serve-image.yml", "build")[STEP]
    expressions = {"vars.SERVING_IMAGE_REPOSITORY": repository}
    return run_step(step, repo, env, repo.parent / "runner-temp", expressions)


def pin_image(repo: Path, environment: str, image: str) -> None:
    path = repo / f"deploy/{environment}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("serving_image: null", f"serving_image: {image}"), "utf-8")


def manifest(n: int) -> str:
    layer = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": n,
             "digest": "sha256:" + f"{n:02d}" * 32}  # fmt: skip
    body = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": layer, "layers": [layer]}  # fmt: skip
    return json.dumps(body, indent=3) + "\n"  # bytes a re-serialisation would change


@pytest.mark.slow
def test_every_pinned_ecr_image_is_tagged_pinned_once(
    render: Render, tmp_path: Path, aws_cli: Path, ecr: str
) -> None:
    client = boto3.client("ecr", endpoint_url=ecr, **boto_args(AWS_CREDENTIALS))
    digests = [
        client.put_image(repositoryName="my-ml-project-serve", imageTag=f"c{n}",
                         imageManifest=manifest(n))["image"]["imageId"]["imageDigest"]
        for n in (1, 2)
    ]  # fmt: skip
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    pin_image(repo, "production", f"{ECR}@{digests[0]}")  # lags staging
    pin_image(repo, "staging", f"{ECR}@{digests[1]}")
    folder = stubs(tmp_path, "")
    env = {**AWS_CREDENTIALS, "AWS_ENDPOINT_URL": ecr, "PATH": f"{folder}:{aws_cli}:/usr/bin:/bin"}

    ran = protect(repo, env, ECR)
    assert ran.returncode == 0, ran.stderr
    assert ran.summary.splitlines() == [
        f"Protected `{ECR}@{digest}` (deploy/{env_name}.yaml) from retention: tag"
        f" pinned-{digest.removeprefix('sha256:')}"
        for env_name, digest in (("production", digests[0]), ("staging", digests[1]))
    ]
    images = client.describe_images(repositoryName="my-ml-project-serve")["imageDetails"]
    assert sorted((i["imageDigest"], sorted(i["imageTags"])) for i in images) == sorted(
        (digest, sorted([f"c{n}", f"pinned-{digest.removeprefix('sha256:')}"]))
        for n, digest in zip((1, 2), digests, strict=True)
    )

    again = protect(repo, env, ECR)  # nothing new to tag: a re-run changes nothing
    assert (again.returncode, again.summary) == (0, ""), again.stderr


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_every_pinned_image_is_tagged_pinned_on_the_other_clouds(
    render: Render, tmp_path: Path, cloud: str
) -> None:
    repository = REGISTRY[cloud]
    old, new, foreign = ("sha256:" + c * 64 for c in "abc")
    folder = stubs(tmp_path, DOCKER_FILE_REGISTRY.replace("{mutable}", str(cloud == "azure")))
    tags = {f"{repository}:c1": old, f"{repository}:c2": new}
    (folder / "registry.json").write_text(json.dumps(tags), encoding="utf-8")
    repo = copy_repo(render(cloud=cloud), tmp_path / "repo")
    pin_image(repo, "production", f"{repository}@{old}")
    pin_image(repo, "staging", f"other.example/serve@{foreign}")  # not this registry's
    env = {"PATH": f"{folder}:/usr/bin:/bin", "STUBS": str(folder)}

    for _ in range(2):
        ran = protect(repo, env, repository)
        assert ran.returncode == 0, ran.stderr
    registry = json.loads((folder / "registry.json").read_text(encoding="utf-8"))
    assert registry == {**tags, f"{repository}:pinned-{'a' * 64}": old}
    log = (folder / "docker.log").read_text(encoding="utf-8").splitlines()
    assert log.count("buildx imagetools") == 3  # inspect, create; then inspect alone


def workflow_prefix(repo: Path) -> str:
    """The prefix of the tag that serve-image.yml gives a pinned image."""
    text = (repo / ".github/workflows/serve-image.yml").read_text(encoding="utf-8")
    found = re.findall(r'(?:--tag "\$REPOSITORY:|--image-tag ")([a-z-]+)\$hex"', text)
    assert len(found) == 1, found
    return str(found[0])


def test_the_registries_keep_what_the_workflow_tags(render: Render) -> None:
    """ECR: the rule selecting pinned-* images has the lowest rulePriority, so the rule that
    counts any image (the highest, as ECR requires) cannot expire them; Artifact Registry:
    a KEEP policy for the prefix, which wins over every DELETE policy."""
    aws = (MODULES / "aws-serving-registry/main.tf").read_text(encoding="utf-8")
    rules = re.findall(r"rulePriority = (\d+)\n\s+description\s+= .*\n\s+selection\s+= (.*)", aws)
    assert [(int(priority), selection) for priority, selection in rules] == [
        (1, '{ tagStatus = "tagged", tagPrefixList = [local.protected_tag_prefix],'
            ' countType = "imageCountMoreThan", countNumber = 9999 }'),
        (2, '{ tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days",'
            " countNumber = var.untagged_retention_days }"),
        (3, '{ tagStatus = "any", countType = "imageCountMoreThan",'
            " countNumber = var.max_image_count }"),
    ]  # fmt: skip
    assert re.findall(r'protected_tag_prefix = "([^"]+)"', aws) == ["pinned-"]
    gcp = Module.read(MODULES / "gcp-serving-registry")
    policies = gcp.resources["google_artifact_registry_repository.serving"]["cleanup_policies"]
    keep = [p for p in policies if unquote(p["id"]) == "keep-pinned-images"]
    assert [(unquote(p["action"]), p["condition"]) for p in keep] == [
        ("KEEP", [{"tag_state": '"TAGGED"', "tag_prefixes": ['"pinned-"'], "__is_block__": True}])
    ]
    for cloud in ("aws", "gcp", "azure"):
        assert workflow_prefix(render(cloud=cloud)) == "pinned-"
