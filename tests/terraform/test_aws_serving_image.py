"""The serving image's registry, its pusher and the capture writer, applied against moto.

``terraform apply`` of the generated AWS root (KServe), targeted at the GitHub
identities, the ECR repository and the capture sink's role, with the EKS inputs
set; the provider talks only to a moto server on 127.0.0.1 that this test
starts. The repository is read back through boto3 (ECR), the roles' policies are
evaluated by Principal Mapper (``iam_eval``), and the root's output
``capture_service_account_annotations`` is written by the generated repository's
own ``pins identity --capture-from``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.terraform.aws_root import Applied, applied_root_at
from tests.terraform.iam_eval import allowed
from tests.terraform.test_aws_root_access import ACCOUNT, IAM, read_role

pytestmark = pytest.mark.slow
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
NODES = f"{IAM}:role/eks-nodes"
TFVARS = (
    f'eks_oidc_provider_arn = "{IAM}:oidc-provider/{ISSUER}"\neks_node_role_arns = ["{NODES}"]\n'
)
TARGETS = ["module.github_oidc", "module.serving_registry", "module.capture_identity"]
ECR = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository"
PUSH = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"]
PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
NEVER = ["ecr:BatchDeleteImage", "ecr:DeleteRepository", "ecr:SetRepositoryPolicy"]
NEVER += ["ecr:PutLifecyclePolicy", "ecr:PutImageTagMutability", "ecr:DeleteLifecyclePolicy"]
MD5 = "files/md5/0a/1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.fixture(scope="module")
def applied(
    generated: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Applied]]:
    """(the generated repository, the applied root); destroyed afterwards."""
    into = tmp_path_factory.mktemp("aws-serving-image")
    with applied_root_at(generated["aws"], into, TARGETS, TFVARS) as done:
        yield generated["aws"], done


def remote(repo: Path) -> tuple[str, str]:
    """(bucket ARN, ``<bucket ARN>/<path>/``) of the DVC remote that ``.dvc/config`` names."""
    text = (repo / ".dvc" / "config").read_text(encoding="utf-8")
    found = re.search(r"url = s3://([^/\s]+)/?(\S*)", text)
    assert found, text
    bucket, path = f"arn:aws:s3:::{found.group(1)}", found.group(2).strip("/")
    return bucket, f"{bucket}/" + (f"{path}/" if path else "")


def capture_subjects(repo: Path) -> list[str]:
    """``system:serviceaccount:<namespace>:<name>`` of the capture sink in each overlay."""
    account = yaml.safe_load((repo / "deploy/base/capture-service-account.yaml").read_text())
    overlays = sorted((repo / "deploy" / "overlays").glob("*/kustomization.yaml"))
    namespaces = [yaml.safe_load(path.read_text())["namespace"] for path in overlays]
    assert len(namespaces) == 2, overlays
    return sorted(f"system:serviceaccount:{ns}:{account['metadata']['name']}" for ns in namespaces)


def key_of(applied: Applied, description: str) -> str:
    """The ARN of the KMS key with this description."""
    kms = applied.client("kms")
    found = [
        metadata["Arn"]
        for key in kms.list_keys()["Keys"]
        for metadata in [kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]]
        if metadata["Description"] == description
    ]
    assert len(found) == 1, found
    return found[0]


def trust(applied: Applied, name: str) -> dict[str, Any]:
    """The one statement of a role's trust policy."""
    role = applied.client("iam").get_role(RoleName=name)["Role"]
    document = role["AssumeRolePolicyDocument"]
    found = json.loads(document) if isinstance(document, str) else document
    (statement,) = found["Statement"]
    result: dict[str, Any] = statement
    return result


def test_the_registry_keeps_tags_scans_and_encrypts_with_its_own_key(
    applied: tuple[Path, Applied],
) -> None:
    repo, done = applied
    ecr = done.client("ecr")
    (found,) = ecr.describe_repositories(repositoryNames=[f"{repo.name}-serve"])["repositories"]
    assert found["imageTagMutability"] == "IMMUTABLE"
    assert found["imageScanningConfiguration"] == {"scanOnPush": True}
    assert found["encryptionConfiguration"]["encryptionType"] == "KMS"
    key = found["encryptionConfiguration"]["kmsKey"]
    assert done.client("kms").describe_key(KeyId=key)["KeyMetadata"]["Description"] == (
        f"Serving image repository {repo.name}-serve"
    )
    lifecycle = ecr.get_lifecycle_policy(repositoryName=found["repositoryName"])
    rules = [rule["selection"] for rule in json.loads(lifecycle["lifecyclePolicyText"])["rules"]]
    assert rules == [
        {"tagStatus": "tagged", "tagPrefixList": ["pinned-"], "countType": "imageCountMoreThan",
         "countNumber": 9999},
        {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
         "countNumber": 7},
        {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 200},
    ]  # fmt: skip
    policy = json.loads(
        ecr.get_repository_policy(repositoryName=found["repositoryName"])["policyText"]
    )
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"AWS": NODES}
    assert sorted(statement["Action"]) == PULL


def test_the_serving_image_identity_pushes_to_its_repository_only(
    applied: tuple[Path, Applied],
) -> None:
    repo, done = applied
    role = read_role(done.client("iam"), f"{repo.name}-serving-image")
    mine, other = f"{ECR}/{repo.name}-serve", f"{ECR}/{repo.name}-other"
    assert allowed(role, "ecr:GetAuthorizationToken", "*")
    for action in PUSH + PULL:
        assert allowed(role, action, mine), action
        assert not allowed(role, action, other), action
    assert [action for action in NEVER if allowed(role, action, mine)] == []
    bucket, objects = remote(repo)
    for action, resource in (
        ("s3:GetObject", f"{objects}{MD5}"),
        ("s3:PutObject", f"{objects}{MD5}"),
        ("s3:ListBucket", bucket),
        ("iam:PassRole", f"{IAM}:role/{repo.name}-training"),
    ):
        assert not allowed(role, action, resource), action


def test_the_serving_image_identity_trusts_serve_image_yml_on_main_and_pull_requests(
    applied: tuple[Path, Applied],
) -> None:
    repo, done = applied
    statement = trust(done, f"{repo.name}-serving-image")
    conditions = {
        key.rsplit(":", 1)[1]: value
        for test in statement["Condition"].values()
        for key, value in test.items()
    }
    answers = yaml.safe_load((repo / ".mlrig-answers.yml").read_text(encoding="utf-8"))
    owner = answers["answers"]["github_owner"]
    workflow = f"{owner}/{repo.name}/.github/workflows/serve-image.yml"
    assert (
        conditions["sub"] == "repository_owner_id:4567:repository_id:1234:environment:serving-image"
    )
    assert conditions["repository_id"] == "1234"
    assert conditions["job_workflow_ref"] == [
        f"{workflow}@refs/heads/main",
        f"{workflow}@refs/pull/*/merge",
    ]


def test_the_capture_writer_adds_objects_under_monitoring_kserve_only(
    applied: tuple[Path, Applied],
) -> None:
    repo, done = applied
    role = read_role(done.client("iam"), f"{repo.name}-capture")
    bucket, objects = remote(repo)
    event = f"{objects}monitoring/kserve/{repo.name}/2026/12/06/0a1b.json"
    assert allowed(role, "s3:PutObject", event)
    key = key_of(done, "DVC remote " + bucket.removeprefix("arn:aws:s3:::"))
    through_s3 = {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
    assert allowed(role, "kms:GenerateDataKey", key, through_s3)
    for action, resource in (
        ("s3:GetObject", event),
        ("s3:DeleteObject", event),
        ("s3:DeleteObjectVersion", event),
        ("s3:GetObject", f"{objects}{MD5}"),
        ("s3:PutObject", f"{objects}{MD5}"),
        ("s3:PutObject", f"{objects}monitoring/sagemaker/a.jsonl"),
        ("s3:PutObject", f"{objects}monitoring/kservex/a.json"),
        ("s3:ListBucket", bucket),
        ("ecr:PutImage", f"{ECR}/{repo.name}-serve"),
    ):
        assert not allowed(role, action, resource), (action, resource)
    assert not allowed(role, "kms:Decrypt", key)  # only through S3
    assert not allowed(role, "kms:GenerateDataKey", f"{key[:-4]}ffff", through_s3)


def test_the_capture_writer_trusts_the_overlays_capture_sinks_only(
    applied: tuple[Path, Applied],
) -> None:
    repo, done = applied
    statement = trust(done, f"{repo.name}-capture")
    assert statement["Principal"] == {"Federated": f"{IAM}:oidc-provider/{ISSUER}"}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    equals = statement["Condition"]["StringEquals"]
    assert equals[f"{ISSUER}:aud"] == "sts.amazonaws.com"
    assert sorted(equals[f"{ISSUER}:sub"]) == capture_subjects(repo)


def test_pins_identity_writes_the_capture_annotation_from_the_output(
    applied: tuple[Path, Applied], tmp_path: Path
) -> None:
    repo, done = applied
    copy = shutil.copytree(repo, tmp_path / repo.name)
    output = tmp_path / "capture.json"
    output.write_text(done.output("capture_service_account_annotations"), encoding="utf-8")
    (package,) = [path.parent.name for path in (copy / "src").glob("*/pins.py")]
    before = (copy / "deploy/base/service-account.yaml").read_text(encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, "-m", f"{package}.pins", "identity", "--capture-from", str(output)],
        cwd=copy, env={**os.environ, "PYTHONPATH": "src"}, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    # The overlays' serving Components list what is still missing: now one fewer.
    assert (ran.returncode, ran.stdout.splitlines(), ran.stderr) == (
        0,
        [
            "updated deploy/base/capture-service-account.yaml",
            "updated deploy/overlays/production/serving/kustomization.yaml",
            "updated deploy/overlays/staging/serving/kustomization.yaml",
        ],
        "",
    )
    account = yaml.safe_load((copy / "deploy/base/capture-service-account.yaml").read_text())
    arn = done.client("iam").get_role(RoleName=f"{repo.name}-capture")["Role"]["Arn"]
    assert account["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": arn}
    assert (copy / "deploy/base/service-account.yaml").read_text(encoding="utf-8") == before
