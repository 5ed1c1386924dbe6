"""``terraform apply`` then ``destroy`` of the AWS identities and DVC remote against moto.

The modules run unchanged but for the relaxed aws constraint (``aws_local``);
the provider talks only to a moto server on 127.0.0.1 that this test starts.
What the roles may do is then read back through boto3, as AWS would report it.

One substitution: moto's PutBucketLogging check fails with a server error on a
target bucket policy that has a ``"Principal": "*"`` statement (the module's log
bucket denies insecure transport that way) and only accepts exact resource
strings, so the remote logs to a bucket this test creates with the canned
``log-delivery-write`` ACL, through the module's ``access_log_bucket`` input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.aws_local import (
    copy_module,
    moto_provider,
    moto_server,
    relax,
    require_terraform,
    terraform,
)
from tests.terraform.conftest import MODULES_DIR

pytestmark = pytest.mark.slow
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
SUBJECT = "repository_owner_id:4567:repository_id:1234:environment:"
ROOT = f'''
resource "aws_iam_openid_connect_provider" "cluster" {{
  url             = "https://{ISSUER}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}}

resource "aws_s3_bucket" "access_logs" {{
  bucket        = "test-access-logs"
  force_destroy = true
}}

resource "aws_s3_bucket_acl" "access_logs" {{
  bucket = aws_s3_bucket.access_logs.id
  acl    = "log-delivery-write"
}}

module "github_oidc" {{
  source              = "./modules/aws-github-oidc"
  repository          = "my-org/my-ml-project"
  repository_id       = "1234"
  repository_owner_id = "4567"
  name_prefix         = "my-ml-project"
  identities = {{
    infra    = {{ environment = "infra", workflow_refs = ["my-org/my-ml-project/.github/workflows/infra.yml@refs/heads/main"] }}
    training = {{ environment = "training" }}
    staging  = {{ environment = "staging" }}
  }}
}}

module "dvc_remote" {{
  source                   = "./modules/aws-dvc-remote"
  bucket_name              = "my-ml-project-dvc"
  path                     = "dvc"
  access_log_bucket        = "test-access-logs"
  depends_on               = [aws_s3_bucket_acl.access_logs]
  writer_role_names        = [module.github_oidc.role_names["training"]]
  publisher_role_names     = [module.github_oidc.role_names["staging"]]
  force_destroy            = true
  kms_deletion_window_days = 7
}}

module "serving_identity" {{
  source            = "./modules/aws-serving-identity"
  name              = "my-ml-project-serving"
  oidc_provider_arn = aws_iam_openid_connect_provider.cluster.arn
  oidc_issuer       = "{ISSUER}"
  service_accounts  = {{ staging = {{ namespace = "my-ml-project-staging", name = "my-ml-project-model-reader" }} }}
  policy_arns       = {{ dvc-read = module.dvc_remote.read_policy_arn }}
}}

output "url" {{
  value = module.dvc_remote.url
}}

output "annotations" {{
  value = module.serving_identity.service_account_annotations
}}
'''


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    """The configuration applied against moto; destroyed (and checked gone) afterwards."""
    boto3 = pytest.importorskip("boto3")
    _, aws_version = require_terraform()
    root = tmp_path_factory.mktemp("aws-apply")
    for name in ("aws-github-oidc", "aws-dvc-remote", "aws-serving-identity"):
        copy_module(MODULES_DIR / name, root / "modules" / name)
    relax(root, aws_version)
    with moto_server() as endpoint:
        (root / "main.tf").write_text(moto_provider(endpoint) + ROOT, encoding="utf-8")
        for step in (("init",), ("apply", "-auto-approve")):
            done = terraform(root, *step)
            assert done.returncode == 0, done.stdout + done.stderr
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        yield root, lambda service: session.client(service, endpoint_url=endpoint)
        done = terraform(root, "destroy", "-auto-approve")
        assert done.returncode == 0, done.stdout + done.stderr
        roles = session.client("iam", endpoint_url=endpoint).list_roles()["Roles"]
        assert [role["RoleName"] for role in roles] == []


def trust(iam: Any, role: str) -> list[dict[str, Any]]:
    document = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    statements: list[dict[str, Any]] = (
        json.loads(document)["Statement"] if isinstance(document, str) else document["Statement"]
    )
    return statements


def attached(iam: Any, role: str) -> list[str]:
    policies = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    return sorted(policy["PolicyName"] for policy in policies)


def policy_document(iam: Any, name: str) -> list[dict[str, Any]]:
    arn = f"arn:aws:iam::123456789012:policy/{name}"
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    statements: list[dict[str, Any]] = (
        json.loads(document) if isinstance(document, str) else document
    )["Statement"]
    return statements


def actions(statements: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        listed = statement["Action"]
        found |= {listed} if isinstance(listed, str) else set(listed)
    return found


def test_github_roles_trust_one_environment_of_the_repository_by_its_ids(
    applied: tuple[Path, Any],
) -> None:
    iam = applied[1]("iam")
    issuer = "token.actions.githubusercontent.com"
    for name in ("training", "staging"):
        [statement] = trust(iam, f"my-ml-project-{name}")
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Principal"]["Federated"].endswith(f"oidc-provider/{issuer}")
        assert statement["Condition"] == {
            "StringEquals": {
                f"{issuer}:aud": "sts.amazonaws.com",
                f"{issuer}:sub": SUBJECT + name,
                f"{issuer}:repository_id": "1234",
                f"{issuer}:repository_owner_id": "4567",
            }
        }


def test_the_infra_role_is_pinned_to_the_infra_workflow_on_main(applied: tuple[Path, Any]) -> None:
    [statement] = trust(applied[1]("iam"), "my-ml-project-infra")
    assert statement["Condition"]["StringLike"] == {
        "token.actions.githubusercontent.com:job_workflow_ref": "my-org/my-ml-project/.github/workflows/infra.yml@refs/heads/main"
    }
    assert (
        statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
        == SUBJECT + "infra"
    )


def test_only_the_training_role_writes_and_no_one_deletes(applied: tuple[Path, Any]) -> None:
    iam = applied[1]("iam")
    assert attached(iam, "my-ml-project-training") == ["my-ml-project-dvc-write"]
    assert attached(iam, "my-ml-project-staging") == ["my-ml-project-dvc-publish"]
    assert attached(iam, "my-ml-project-infra") == []
    write = policy_document(iam, "my-ml-project-dvc-write")
    assert actions(write) == {
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "kms:Decrypt",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
        "kms:GenerateDataKey",
    }
    publish = policy_document(iam, "my-ml-project-dvc-publish")
    [put] = [s for s in publish if s.get("Sid") == "PublishServingCopies"]
    assert put["Resource"] == "arn:aws:s3:::my-ml-project-dvc/dvc/serving/*"
    assert not any("Delete" in action for action in actions(write) | actions(publish))


def test_the_serving_role_trusts_one_service_account_and_only_reads(
    applied: tuple[Path, Any],
) -> None:
    root, client = applied
    iam = client("iam")
    [statement] = trust(iam, "my-ml-project-serving")
    assert statement["Principal"]["Federated"].endswith(f"oidc-provider/{ISSUER}")
    assert statement["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:aud": "sts.amazonaws.com",
            f"{ISSUER}:sub": "system:serviceaccount:my-ml-project-staging:my-ml-project-model-reader",
        }
    }
    assert attached(iam, "my-ml-project-serving") == ["my-ml-project-dvc-read"]
    read = policy_document(iam, "my-ml-project-dvc-read")
    assert actions(read) == {"s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject", "kms:Decrypt"}
    annotations = json.loads(terraform(root, "output", "-json", "annotations").stdout)
    assert annotations == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/my-ml-project-serving"
    }


def test_the_remote_url_keeps_its_path_and_the_key_checks_the_source_account(
    applied: tuple[Path, Any],
) -> None:
    root, client = applied
    assert (
        json.loads(terraform(root, "output", "-json", "url").stdout) == "s3://my-ml-project-dvc/dvc"
    )
    kms = client("kms")
    [alias] = [
        a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/my-ml-project-dvc"
    ]
    policy = json.loads(
        kms.get_key_policy(KeyId=alias["TargetKeyId"], PolicyName="default")["Policy"]
    )
    [logs] = [s for s in policy["Statement"] if s["Sid"] == "S3AccessLogs"]
    assert logs["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    s3 = client("s3")
    assert s3.get_bucket_versioning(Bucket="my-ml-project-dvc")["Status"] == "Enabled"


def test_captured_inference_data_expires_and_nothing_else_does(
    applied: tuple[Path, Any],
) -> None:
    """The request log grows with traffic: a lifecycle rule scoped to ``<path>/monitoring/``
    expires it after ``monitoring_retention_days`` (30 by default); the DVC objects only
    change storage class."""
    _, client = applied
    rules = client("s3").get_bucket_lifecycle_configuration(Bucket="my-ml-project-dvc")["Rules"]
    by_id = {rule["ID"]: rule for rule in rules}
    assert sorted(by_id) == ["dvc-remote", "monitoring"]
    monitoring = by_id["monitoring"]
    assert monitoring["Filter"] == {"Prefix": "dvc/monitoring/"}
    assert monitoring["Expiration"] == {"Days": 30}
    assert monitoring["NoncurrentVersionExpiration"]["NoncurrentDays"] == 1
    assert "Expiration" not in by_id["dvc-remote"]
