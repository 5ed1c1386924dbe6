"""The generated AWS root's IAM, applied against moto and evaluated as IAM would.

``terraform apply`` of the generated root (``aws_root`` makes it loadable here),
targeted at the GitHub identities and what they depend on (their policies, the
boundary, the DVC bucket and key); the provider talks only to a moto server on
127.0.0.1 that this test starts, with AWS's managed policies loaded. The roles'
policies and boundaries are then read back through boto3 and evaluated by
Principal Mapper (``iam_eval``): what ``infra`` may change, that it cannot make
itself or anything else an administrator, and what ``infra-plan`` may read.

The runner module's IAM names follow upstream (github-aws-runners at the
commit ``aws-gpu-runners`` pins): ``modules/runners/policies-runner.tf``,
``scale-up.tf``, ``modules/webhook/eventbridge/*.tf``: roles
``<prefix>-<what>`` cut to 54 characters plus ``-`` and 8 hex of its md5, the
instance profile ``<prefix>-runner-profile`` and the policy
``<prefix>-ami-id-ssm-parameter-read``, all under the IAM path ``/<prefix>/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.aws_root import applied_root
from tests.terraform.iam_eval import Role, allowed, document
from tests.terraform.refresh_table import requests

pytestmark = pytest.mark.slow
ACCOUNT = "123456789012"
IAM = f"arn:aws:iam::{ACCOUNT}"
SSM = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter"
TARGETS = ["module.github_oidc", "aws_iam_service_linked_role.spot"]


def upstream_role(prefix: str, what: str) -> str:
    """The name the runner module gives its role for ``what``."""
    full = f"{prefix}-{what}"
    return f"{full[:54]}-{hashlib.md5(full.encode()).hexdigest()[:8]}"


def read_role(iam: Any, name: str) -> Role:
    """A role's attached and inline policies and its boundary, as IAM reports them."""
    role = iam.get_role(RoleName=name)["Role"]
    policies = {
        attached["PolicyArn"]: managed_document(iam, attached["PolicyArn"])
        for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    }
    for inline in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        text = iam.get_role_policy(RoleName=name, PolicyName=inline)["PolicyDocument"]
        policies[f"{role['Arn']}/inline/{inline}"] = document(text)
    boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    return Role(
        role["Arn"], policies, None if boundary is None else managed_document(iam, boundary)
    )


def managed_document(iam: Any, arn: str) -> dict[str, Any]:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return document(
        iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    )


@pytest.fixture(scope="module")
def applied(
    generated: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Any]]:
    """(project slug, boto3 IAM client) after the targeted apply; destroyed afterwards."""
    into = tmp_path_factory.mktemp("aws-root")
    with applied_root(generated["aws"], into, TARGETS) as iam:
        yield generated["aws"].name, iam


def test_every_role_but_infra_carries_the_boundary(applied: tuple[str, Any]) -> None:
    slug, iam = applied
    boundaries = {
        role["RoleName"]: role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        for role in iam.list_roles()["Roles"]
        if not role["Path"].startswith("/aws-service-role/")
        for role in [iam.get_role(RoleName=role["RoleName"])["Role"]]
    }
    names = ["ci", "infra", "infra-plan", "monitoring", "production", "serving-image", "staging"]
    names += ["training"]
    assert sorted(boundaries) == [f"{slug}-{name}" for name in names]
    bounded = {name: arn for name, arn in boundaries.items() if arn is not None}
    assert set(boundaries) - set(bounded) == {f"{slug}-infra"}
    assert set(bounded.values()) == {f"{IAM}:policy/{slug}-boundary"}


def test_infra_manages_what_the_runner_module_creates(applied: tuple[str, Any]) -> None:
    slug, iam = applied
    infra = read_role(iam, f"{slug}-infra")
    boundary = {"iam:PermissionsBoundary": f"{IAM}:policy/{slug}-boundary"}
    for what in (
        "runner",
        "scale-up-lambda",
        "scale-down-lambda",
        "syncer-lambda",
        "dispatcher-lambda",
    ):
        role = f"{IAM}:role/{slug}/{upstream_role(slug, what)}"
        for action in ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"):
            assert allowed(infra, action, role, boundary), (action, role)
        for action in ("iam:GetRole", "iam:PassRole", "iam:TagRole", "iam:DeleteRole"):
            assert allowed(infra, action, role), (action, role)
        assert not allowed(infra, "iam:CreateRole", role), role
    profile = f"{IAM}:instance-profile/{slug}/{slug}-runner-profile"
    for action in (
        "iam:CreateInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:DeleteInstanceProfile",
    ):
        assert allowed(infra, action, profile), action
    policy = f"{IAM}:policy/{slug}/{slug}-ami-id-ssm-parameter-read"
    for action in ("iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy"):
        assert allowed(infra, action, policy), action
    other = f"{IAM}:role/other/{slug}-runner"
    assert not allowed(infra, "iam:CreateRole", other, boundary)
    assert not allowed(infra, "iam:CreateRole", f"{IAM}:role/{slug}/admin", boundary)


def test_infra_cannot_make_anything_an_administrator(applied: tuple[str, Any]) -> None:
    slug, iam = applied
    infra = read_role(iam, f"{slug}-infra")
    admin = {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}
    boundary = {"iam:PermissionsBoundary": f"{IAM}:policy/{slug}-boundary"}
    denied: list[tuple[str, str, dict[str, str]]] = [
        *[
            ("iam:CreatePolicyVersion", f"{IAM}:policy/{slug}-{name}", {})
            for name in ("infra-iam", "infra-plan", "boundary")
        ],
        ("iam:SetDefaultPolicyVersion", f"{IAM}:policy/{slug}-infra-iam", {}),
        ("iam:DeletePolicy", f"{IAM}:policy/{slug}-boundary", {}),
        ("iam:AttachRolePolicy", f"{IAM}:role/{slug}-infra", admin),
        ("iam:AttachRolePolicy", f"{IAM}:role/{slug}-infra", {**admin, **boundary}),
        ("iam:PutRolePolicy", f"{IAM}:role/{slug}-infra-plan", boundary),
        ("iam:UpdateAssumeRolePolicy", f"{IAM}:role/{slug}-infra", {}),
        ("iam:CreateRole", f"{IAM}:role/{slug}-admin", {}),
        ("iam:AttachRolePolicy", f"{IAM}:role/{slug}-training", admin),
        (
            "iam:PutRolePermissionsBoundary",
            f"{IAM}:role/{slug}-training",
            {"iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess"},
        ),
        ("iam:DeleteRolePermissionsBoundary", f"{IAM}:role/{slug}-training", {}),
        ("iam:PassRole", f"{IAM}:role/{slug}-infra", {}),
        ("iam:CreateUser", f"{IAM}:user/{slug}-admin", {}),
        ("iam:CreateAccessKey", f"{IAM}:user/admin", {}),
        (
            "iam:AttachRolePolicy",
            f"{IAM}:role/OrganizationAccountAccessRole",
            {**admin, **boundary},
        ),
        ("sts:AssumeRole", f"{IAM}:role/OrganizationAccountAccessRole", {}),
    ]
    assert [case[:2] for case in denied if allowed(infra, *case)] == []


def test_a_role_that_infra_makes_an_administrator_is_still_held_by_the_boundary(
    applied: tuple[str, Any],
) -> None:
    slug, iam = applied
    training = read_role(iam, f"{slug}-training")
    administrator = managed_document(iam, "arn:aws:iam::aws:policy/AdministratorAccess")
    widened = Role(training.arn, {**training.policies, "admin": administrator}, training.boundary)
    assert allowed(widened, "ec2:RunInstances", "*")
    assert allowed(widened, "iam:PassRole", f"{IAM}:role/{slug}/{upstream_role(slug, 'runner')}")
    for action, resource in [
        ("iam:CreateRole", f"{IAM}:role/{slug}-admin"),
        ("iam:AttachRolePolicy", f"{IAM}:role/{slug}-training"),
        ("iam:CreatePolicyVersion", f"{IAM}:policy/{slug}-boundary"),
        ("iam:PassRole", f"{IAM}:role/{slug}-infra"),
        ("sts:AssumeRole", f"{IAM}:role/{slug}-infra"),
        ("sts:AssumeRole", f"{IAM}:role/OrganizationAccountAccessRole"),
        ("organizations:LeaveOrganization", "*"),
    ]:
        assert not allowed(widened, action, resource), (action, resource)


def test_plan_reads_the_state_and_settings_but_no_secret(applied: tuple[str, Any]) -> None:
    slug, iam = applied
    plan = read_role(iam, f"{slug}-infra-plan")
    via_ssm = {"kms:ViaService": "ssm.us-east-1.amazonaws.com"}
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0b4a3c1e-0000-0000-0000-000000000000"
    reads: list[tuple[str, str, dict[str, str]]] = [
        ("s3:GetObject", f"arn:aws:s3:::{slug}-tfstate/{slug}/terraform.tfstate", {}),
        ("s3:ListBucket", f"arn:aws:s3:::{slug}-tfstate", {}),
        ("ssm:GetParameter", f"{SSM}/{slug}/runner/ami-id", {}),
        ("ssm:GetParameter", f"{SSM}/github-action-runners/{slug}/runners/config/run_as", {}),
        (
            "ssm:GetParameter",
            f"{SSM}/github-action-runners/{slug}/webhook/runner-matcher-config",
            {},
        ),
        ("ec2:DescribeLaunchTemplates", "*", {}),
        ("iam:GetRole", f"{IAM}:role/{slug}-training", {}),
        ("kms:DescribeKey", key, {}),
    ]
    assert [case[:2] for case in reads if not allowed(plan, *case)] == []
    secrets: list[tuple[str, str, dict[str, str]]] = [
        (
            "ssm:GetParameter",
            f"{SSM}/github-action-runners/{slug}/runners/tokens/i-0123456789abcdef0",
            {},
        ),
        (
            "ssm:GetParameters",
            f"{SSM}/github-action-runners/{slug}/runners/tokens/i-0123456789abcdef0",
            {},
        ),
        (
            "ssm:GetParameterHistory",
            f"{SSM}/github-action-runners/{slug}/runners/tokens/i-0123456789abcdef0",
            {},
        ),
        ("ssm:GetParametersByPath", f"{SSM}/github-action-runners/{slug}/runners/tokens", {}),
        ("ssm:GetParameter", f"{SSM}/github-action-runners/{slug}/app/github_app_key_base64", {}),
        ("ssm:GetParameter", f"{SSM}/{slug}/github-app/key_base64", {}),
        ("kms:Decrypt", key, via_ssm),
        ("kms:Decrypt", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/ssm", via_ssm),
        ("s3:GetObject", f"arn:aws:s3:::{slug}-dvc/files/md5/00/0000", {}),
        ("s3:PutObject", f"arn:aws:s3:::{slug}-tfstate/{slug}/terraform.tfstate", {}),
        ("iam:CreateRole", f"{IAM}:role/{slug}-x", {}),
    ]
    assert [case[:2] for case in secrets if allowed(plan, *case)] == []


def test_plan_decrypts_no_secure_string_whatever_the_key_policy_says(
    applied: tuple[str, Any],
) -> None:
    """The aws/ssm key's own policy lets every principal of the account decrypt through SSM.

    A key policy with ``"Principal": {"AWS": "*"}`` grants without any identity
    policy; Principal Mapper does not model that grant, so the explicit deny that
    overrides it is asserted as IAM stores it.
    """
    slug, iam = applied
    plan = read_role(iam, f"{slug}-infra-plan")
    [policy] = [doc for arn, doc in plan.policies.items() if arn.endswith(f"/{slug}-infra-plan")]
    [deny] = [s for s in policy["Statement"] if s.get("Sid") == "NoDecryptionThroughSsm"]
    assert deny == {
        "Sid": "NoDecryptionThroughSsm",
        "Effect": "Deny",
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"StringLike": {"kms:ViaService": "ssm.*.amazonaws.com"}},
    }


def test_plan_may_make_every_call_a_refresh_makes(applied: tuple[str, Any]) -> None:
    """Each type's read calls (``refresh_actions.json``) on a resource named as the root names it."""
    slug, iam = applied
    plan = read_role(iam, f"{slug}-infra-plan")
    calls = requests(slug, ACCOUNT)
    assert len(calls) > 60
    assert [call for call in calls if not allowed(plan, call[1], call[2])] == []


def test_the_root_creates_the_spot_service_linked_role(applied: tuple[str, Any]) -> None:
    """Spot runners need it; nothing else creates it (the boundary denies the lambdas IAM writes)."""
    slug, iam = applied
    # AWS names it AWSServiceRoleForEC2Spot; moto names it after the service.
    linked = [
        role["Path"] for role in iam.list_roles()["Roles"] if "/aws-service-role/" in role["Path"]
    ]
    assert linked == ["/aws-service-role/spot.amazonaws.com/"]
    arn = f"{IAM}:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot"
    assert allowed(read_role(iam, f"{slug}-infra"), "iam:CreateServiceLinkedRole", arn)


def test_infra_touches_no_function_outside_the_project_and_runs_no_command(
    applied: tuple[str, Any],
) -> None:
    """PowerUserAccess is account-wide; the project's denies hold it to ``<slug>-*``."""
    slug, iam = applied
    infra = read_role(iam, f"{slug}-infra")
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function"
    for action in ("lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"):
        assert allowed(infra, action, f"{function}:{slug}-scale-up"), action
        assert not allowed(infra, action, f"{function}:payroll-export"), action
    instance = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0123456789abcdef0"
    denied = [
        ("lambda:InvokeFunction", f"{function}:payroll-export"),
        ("ssm:SendCommand", instance),
        ("ssm:StartSession", instance),
        ("ec2-instance-connect:SendSSHPublicKey", instance),
        ("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db"),
    ]
    assert [case for case in denied if allowed(infra, *case)] == []
