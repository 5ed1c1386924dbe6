"""The managed-endpoint AWS root's identities, applied against moto, evaluated as IAM would.

The same apply as ``test_aws_root_access`` (the generated root made loadable by
``aws_root``, a moto server on 127.0.0.1), for ``deploy_target=managed`` and with
the DVC remote's policies and the SageMaker execution role's inline policy. Every
call that the generated deploy and drift code makes is listed here with the
identity that makes it (``src/<pkg>/managed/sagemaker*.py``, ``storage.py``,
``capture.py`` through s3fs, ``drift.yml``'s ``dvc pull``/``dvc push``, SageMaker's
data capture); each must be allowed, and its neighbours just outside the scope
(the other environment's endpoint, another prefix, a delete) must not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.terraform.aws_root import applied_root
from tests.terraform.conftest import render
from tests.terraform.iam_eval import Role, allowed
from tests.terraform.test_aws_root_access import ACCOUNT, IAM, read_role

pytestmark = pytest.mark.slow
SAGEMAKER = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}"
# The DVC remote's IAM only: moto cannot take the module's bucket logging (see
# test_aws_apply), which no identity here depends on.
TARGETS = (
    "module.github_oidc",
    "aws_iam_role_policy.sagemaker",
    *(
        f"module.dvc_remote.aws_iam_role_policy_attachment.{kind}"
        for kind in ("monitor", "publish", "read", "write")
    ),
)
MD5 = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
Case = tuple[str, str, dict[str, str]]


@pytest.fixture(scope="module")
def managed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Any]]:
    """(slug, bucket ARN with the remote's folder, boto3 IAM client) after the apply."""
    repo = render(tmp_path_factory.mktemp("aws-managed"), cloud="aws", deploy_target="managed")
    main = (repo / "terraform" / "main.tf").read_text(encoding="utf-8")
    bucket = re.search(r'bucket_name = "([^"]+)"', main)
    folder = re.search(r'\n  path += "([^"]*)"', main)
    assert bucket and folder, "the root names the DVC bucket and its folder"
    remote = f"arn:aws:s3:::{bucket[1]}" + (f"/{folder[1].strip('/')}" if folder[1] else "")
    with applied_root(repo, tmp_path_factory.mktemp("aws-managed-root"), TARGETS) as iam:
        yield repo.name, remote, iam


def refused(role: Role, cases: list[Case]) -> list[tuple[str, str]]:
    return [case[:2] for case in cases if not allowed(role, *case)]


def granted(role: Role, cases: list[Case]) -> list[tuple[str, str]]:
    return [case[:2] for case in cases if allowed(role, *case)]


def listing(remote: str, prefix: str) -> Case:
    """``s3:ListBucket`` with the prefix a client asks for (keys start with the folder)."""
    bucket, _, folder = remote.partition("/")
    return ("s3:ListBucket", bucket, {"s3:prefix": f"{folder}/{prefix}" if folder else prefix})


def deploy_calls(slug: str, env: str, remote: str) -> list[Case]:
    """What ``managed deploy <env>`` asks of AWS (sagemaker.py, sagemaker_rollout.py)."""
    endpoint = f"{slug}-{env}"
    version = f"{endpoint}-{MD5[:12]}"
    return [
        ("s3:GetObject", f"{remote}/files/md5/{MD5[:2]}/{MD5[2:]}", {}),  # storage.read
        ("s3:PutObject", f"{remote}/serving/{MD5}/model.joblib", {}),  # storage.write
        ("sagemaker:DescribeEndpoint", f"{SAGEMAKER}:endpoint/{endpoint}", {}),
        ("sagemaker:DescribeEndpointConfig", f"{SAGEMAKER}:endpoint-config/{version}", {}),
        ("sagemaker:CreateModel", f"{SAGEMAKER}:model/{version}", {}),
        (
            "iam:PassRole",
            f"{IAM}:role/{slug}-sagemaker",
            {"iam:PassedToService": "sagemaker.amazonaws.com"},
        ),
        ("sagemaker:CreateEndpointConfig", f"{SAGEMAKER}:endpoint-config/{version}", {}),
        ("sagemaker:CreateEndpointConfig", f"{SAGEMAKER}:endpoint-config/{version}-canary", {}),
        ("sagemaker:DeleteEndpointConfig", f"{SAGEMAKER}:endpoint-config/{version}-canary", {}),
        ("sagemaker:CreateEndpoint", f"{SAGEMAKER}:endpoint/{endpoint}", {}),
        ("sagemaker:UpdateEndpoint", f"{SAGEMAKER}:endpoint/{endpoint}", {}),
        ("sagemaker:InvokeEndpoint", f"{SAGEMAKER}:endpoint/{endpoint}", {}),  # smoke
        ("sagemaker:DeleteEndpoint", f"{SAGEMAKER}:endpoint/{endpoint}", {}),  # failed first
        ("sagemaker:ListEndpointConfigs", "*", {}),
        ("sagemaker:ListModels", "*", {}),
        ("sagemaker:DeleteModel", f"{SAGEMAKER}:model/{version}", {}),
    ]


def test_deploy_roles_make_every_call_of_the_rollout(managed: tuple[str, str, Any]) -> None:
    slug, remote, iam = managed
    for env in ("staging", "production"):
        role = read_role(iam, f"{slug}-{env}")
        assert refused(role, deploy_calls(slug, env, remote)) == [], env


def test_deploy_roles_reach_their_own_endpoint_and_folders_only(
    managed: tuple[str, str, Any],
) -> None:
    slug, remote, iam = managed
    staging = read_role(iam, f"{slug}-staging")
    other = f"{slug}-production"
    outside: list[Case] = [
        ("sagemaker:InvokeEndpoint", f"{SAGEMAKER}:endpoint/{other}", {}),
        ("sagemaker:UpdateEndpoint", f"{SAGEMAKER}:endpoint/{other}", {}),
        ("sagemaker:DeleteEndpoint", f"{SAGEMAKER}:endpoint/{other}", {}),
        ("sagemaker:DeleteEndpoint", f"{SAGEMAKER}:endpoint/other-staging", {}),
        ("sagemaker:DeleteModel", f"{SAGEMAKER}:model/{other}-{MD5[:12]}", {}),
        ("sagemaker:DeleteModel", f"{SAGEMAKER}:model/someone-else", {}),
        ("sagemaker:DeleteEndpointConfig", f"{SAGEMAKER}:endpoint-config/{other}-x", {}),
        ("sagemaker:CreateTrainingJob", f"{SAGEMAKER}:training-job/{slug}-staging-x", {}),
        (
            "iam:PassRole",
            f"{IAM}:role/{slug}-sagemaker",
            {"iam:PassedToService": "ec2.amazonaws.com"},
        ),
        (
            "iam:PassRole",
            f"{IAM}:role/{slug}-training",
            {"iam:PassedToService": "sagemaker.amazonaws.com"},
        ),
        ("s3:DeleteObject", f"{remote}/files/md5/{MD5[:2]}/{MD5[2:]}", {}),
        ("s3:DeleteObject", f"{remote}/serving/{MD5}/model.joblib", {}),
        ("s3:PutObject", f"{remote}/files/md5/{MD5[:2]}/{MD5[2:]}", {}),
        ("s3:PutObject", f"{remote}/monitoring/sagemaker/x.jsonl", {}),
        ("s3:GetObject", f"{remote}/monitoring/sagemaker/x.jsonl", {}),
        listing(remote, "files/md5/"),
    ]
    assert granted(staging, outside) == []


def test_execution_role_loads_serving_copies_and_writes_data_capture(
    managed: tuple[str, str, Any],
) -> None:
    slug, remote, iam = managed
    execution = read_role(iam, f"{slug}-sagemaker")
    capture = f"{remote}/monitoring/sagemaker/{slug}-staging/m-{MD5[:12]}/2026/12/06/10/a.jsonl"
    assert (
        refused(
            execution,
            [
                listing(remote, f"serving/{MD5}/"),
                ("s3:GetObject", f"{remote}/serving/{MD5}/model.joblib", {}),
                ("s3:PutObject", capture, {}),
            ],
        )
        == []
    )
    assert (
        granted(
            execution,
            [
                ("s3:GetObject", f"{remote}/files/md5/{MD5[:2]}/{MD5[2:]}", {}),
                ("s3:GetObject", capture, {}),
                ("s3:PutObject", f"{remote}/monitoring/kserve/a.json", {}),
                ("s3:PutObject", f"{remote}/serving/{MD5}/model.joblib", {}),
                ("s3:DeleteObject", capture, {}),
                listing(remote, "files/md5/"),
                listing(remote, ""),
            ],
        )
        == []
    )


def test_monitoring_reads_the_capture_and_pushes_a_registered_window(
    managed: tuple[str, str, Any],
) -> None:
    slug, remote, iam = managed
    monitor = read_role(iam, f"{slug}-monitoring")
    obj = f"{remote}/files/md5/{MD5[:2]}/{MD5[2:]}"
    calls: list[Case] = [
        ("s3:GetObject", obj, {}),  # dvc pull prepare; dvc push's existence check
        listing(remote, "files/md5/0a/"),
        ("s3:GetObject", f"{remote}/monitoring", {}),  # s3fs exists(): HEAD first
        listing(remote, "monitoring/"),  # then the listing, and find()
        ("s3:GetObject", f"{remote}/monitoring/sagemaker/e/v/2026/12/06/10/a.jsonl", {}),
        ("s3:PutObject", obj, {}),  # dvc push of the registered window
    ]
    assert refused(monitor, calls) == []
    assert (
        granted(
            monitor,
            [
                ("s3:DeleteObject", obj, {}),
                ("s3:PutObject", f"{remote}/monitoring/kserve/a.json", {}),
                ("s3:PutObject", f"{remote}/serving/{MD5}/model.joblib", {}),
                ("s3:GetObject", f"{remote}/serving/{MD5}/model.joblib", {}),
                listing(remote, ""),
                listing(remote, "serving/"),
                ("sagemaker:InvokeEndpoint", f"{SAGEMAKER}:endpoint/{slug}-staging", {}),
            ],
        )
        == []
    )
