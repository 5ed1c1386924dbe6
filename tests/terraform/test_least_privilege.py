"""Who may do what, read from the generated roots and the modules (issue 12's least privilege).

The AWS roles are also applied against moto (test_aws_apply); these read the
configuration of every cloud, where no provider can run here.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.terraform.conftest import CLOUDS, MODULES_DIR
from tests.terraform.hcl import fields, load, unquote
from tests.terraform.iam_conditions import allows, fill
from tests.terraform.test_schema import identity_entry
from tests.terraform.tfgraph import Module

FORBIDDEN = {
    "aws": ("ReadOnlyAccess", "AdministratorAccess"),
    "gcp": ("roles/owner", "roles/storage.objectViewer", "roles/editor"),
    "azure": ('"Owner"',),
}


def module_call(root: Path, name: str) -> dict[str, Any]:
    for path in sorted(root.glob("*.tf")):
        for block in load(path).get("module", []):
            calls = {unquote(k): v for k, v in fields(block).items()}
            if name in calls:
                found: dict[str, Any] = calls[name]
                return found
    raise AssertionError(f"no module {name} in {root}")


def resource(module: Path, type_: str, name: str) -> dict[str, Any]:
    for path in sorted(module.glob("*.tf")):
        for block in load(path).get("resource", []):
            for kind, named in fields(block).items():
                if unquote(kind) == type_ and f'"{name}"' in named:
                    body: dict[str, Any] = named[f'"{name}"']
                    return body
    raise AssertionError(f"no {type_}.{name} in {module}")


@pytest.mark.parametrize("cloud", CLOUDS)
def test_terraform_identities_lose_the_broad_roles(cloud: str, generated: dict[str, Path]) -> None:
    identities = str(module_call(generated[cloud] / "terraform", "github_oidc")["identities"])
    for name in ("infra-plan", "infra"):
        entry = identity_entry(identities, name)
        assert not [role for role in FORBIDDEN[cloud] if role in entry], (name, entry)


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_terraform_identities_are_pinned_to_the_infra_workflow(
    cloud: str, generated: dict[str, Path]
) -> None:
    identities = str(module_call(generated[cloud] / "terraform", "github_oidc")["identities"])
    assert '"${local.infra_workflow}@refs/heads/main"' in identity_entry(identities, "infra")
    assert "${local.infra_workflow}@refs/pull/" in identity_entry(identities, "infra-plan")


@pytest.mark.parametrize("cloud", CLOUDS)
def test_only_the_training_identity_writes_to_the_dvc_remote(
    cloud: str, generated: dict[str, Path]
) -> None:
    call = module_call(generated[cloud] / "terraform", "dvc_remote")
    writers = {
        "aws": "writer_role_names",
        "gcp": "writer_members",
        "azure": "writer_principal_ids",
    }[cloud]
    written = str(call[writers])
    assert re.findall(r'\["(\w+)"\]', written) == ["training"], written
    assert "gpu_runners" not in written and "runner" not in written


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_identity_trusts_the_repository_by_its_ids(
    cloud: str, generated: dict[str, Path]
) -> None:
    call = module_call(generated[cloud] / "terraform", "github_oidc")
    assert unquote(call["repository_id"]) == "var.github_repository_id"
    assert unquote(call["repository_owner_id"]) == "var.github_owner_id"
    claims = resource(
        MODULES_DIR / "github-environments",
        "github_actions_repository_oidc_subject_claim_customization_template",
        "this",
    )
    assert unquote(claims["include_claim_keys"]) == "var.oidc_subject_claims"


def gcp_runner_locals() -> dict[str, str]:
    """The gcp-gpu-runners launcher condition and VM name prefix, for project acme-ml and prefix demo."""
    parsed = load(MODULES_DIR / "gcp-gpu-runners" / "locals.tf")["locals"][0]
    values = {"var.project_id": "acme-ml", "var.prefix": "demo"}
    values["local.runner_name_prefix"] = fill(unquote(parsed["runner_name_prefix"]), values)
    conditions = re.findall(r'"((?:[^"\\]|\\.)*)"', str(parsed["launcher_condition"]))[1:]
    return {
        "name_prefix": values["local.runner_name_prefix"],
        "condition": " || ".join(fill(part, values) for part in conditions),
    }


def test_the_gcp_launcher_is_held_to_the_runner_templates_and_prefix() -> None:
    module = MODULES_DIR / "gcp-gpu-runners"
    launcher = resource(module, "google_project_iam_member", "launcher")
    assert unquote(launcher["condition"][0]["expression"]) == "local.launcher_condition"
    found = gcp_runner_locals()
    condition, vm = found["condition"], found["name_prefix"] + "4242-1"
    zone = "projects/acme-ml/zones/us-central1-b"
    assert allows(condition, "projects/acme-ml/global/instanceTemplates/demo-spot-2026")
    assert allows(condition, f"{zone}/instances/{vm}")
    assert allows(condition, f"{zone}/disks/{vm}")
    for other in (
        f"{zone}/instances/web-1",
        f"{zone}/instances/demo",
        f"{zone}/disks/web-1",
        "projects/acme-ml/global/instanceTemplates/web",
        f"projects/other/zones/us-central1-b/instances/{vm}",
        "projects/acme-ml",
    ):
        assert not allows(condition, other), other
    runner_roles = str(resource(module, "google_project_iam_member", "runner")["for_each"])
    assert "storage" not in runner_roles


def test_the_ct_workflow_names_its_vms_as_the_launcher_condition_allows(
    generated: dict[str, Path],
) -> None:
    """One name prefix, from the module through the repository variable to ct.yml."""
    outputs = Module.read(MODULES_DIR / "gcp-gpu-runners").outputs
    assert unquote(outputs["runner_name_prefix"]["value"]) == "local.runner_name_prefix"
    root = generated["gcp"]
    variables = load(root / "terraform" / "outputs.tf")["locals"][0]["repository_variables"]
    assert unquote(variables["GPU_RUNNER_NAME_PREFIX"]) == "module.gpu_runners.runner_name_prefix"
    workflow = yaml.safe_load((root / ".github/workflows/ct.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in workflow["jobs"]["launch"]["steps"] if "run" in s]
    assert step["env"]["GPU_RUNNER_NAME_PREFIX"] == "${{ vars.GPU_RUNNER_NAME_PREFIX }}"
    (line,) = [line for line in step["run"].splitlines() if line.strip().startswith("name=")]
    env = {"GPU_RUNNER_NAME_PREFIX": gcp_runner_locals()["name_prefix"], "GITHUB_RUN_ID": "4242"}
    env["GITHUB_RUN_ATTEMPT"] = "2"
    named = subprocess.run(
        ["bash", "-c", f'{line.strip()}; printf %s "$name"'],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    vm = f"projects/acme-ml/zones/us-central1-a/instances/{named.stdout}"
    assert named.stdout == "demo-ct-4242-2"
    assert allows(gcp_runner_locals()["condition"], vm)


def test_azure_writers_cannot_delete_or_move_blobs() -> None:
    module = MODULES_DIR / "azure-dvc-remote"
    writer = resource(module, "azurerm_role_assignment", "writer")
    assert unquote(writer["condition_version"]) == "2.0"
    assert "local.no_delete" in str(writer["condition"])
    main = (module / "main.tf").read_text(encoding="utf-8")
    assert '["delete", "move/action"]' in main


def test_github_environments_gate_every_writer(generated: dict[str, Path]) -> None:
    text = (generated["aws"] / "terraform" / "github.tf").read_text(encoding="utf-8")
    environments = {
        name: body.strip()
        for name, body in re.findall(r"^\s+([\w-]+)\s+=\s+(\{[^\n]*\})$", text, re.MULTILINE)
    }
    assert environments == {
        "infra-plan": "{ branches = [] }",
        "ci": "{ branches = [] }",
        "infra": "{ reviewers = var.required_reviewers }",
        # CT retrains same-repository pull requests on their own branch (issue 11); the
        # training identity writes only the DVC cache, and pins reach production
        # through the main-only, reviewed production environment.
        "training": "{ branches = [] }",
        "monitoring": "{}",
        "staging": "{}",
        "production": "{ reviewers = var.required_reviewers }",
        # Pushes the serving image from main and from same-repository pull requests that
        # change the lock (issue 13); its identity trusts serve-image.yml alone, and the
        # pull request's pin reaches production only through main and production.
        "serving-image": "{ branches = [] }",
        # Holds the CT App's private key for publish.yml's publish job, which runs from the
        # default branch (workflow_run) and none of a branch's code (issue 13): main only,
        # so no branch's edited workflow can enter it; no cloud identity.
        "github-app": "{}",
    }
    variables = (MODULES_DIR / "github-environments" / "variables.tf").read_text(encoding="utf-8")
    assert 'branches = optional(list(string), ["main"])' in variables


def test_the_runner_module_puts_its_iam_where_infra_may_manage_it(
    generated: dict[str, Path],
) -> None:
    """The upstream module's roles, instance profile and policy go under one path, bounded.

    Its own default path is /<prefix>/ (modules/runners/main.tf at the pinned
    commit); the wrapper passes the path explicitly and the root's infra policy
    names the same path (test_aws_root_access evaluates that policy).
    """
    wrapper = MODULES_DIR / "aws-gpu-runners"
    upstream = fields(load(wrapper / "main.tf")["module"][0])['"runners"']
    assert {
        key: unquote(upstream[key])
        for key in ("role_path", "instance_profile_path", "role_permissions_boundary")
    } == {
        "role_path": "local.iam_path",
        "instance_profile_path": "local.iam_path",
        "role_permissions_boundary": "var.permissions_boundary_arn",
    }
    root = generated["aws"] / "terraform"
    call = module_call(root, "gpu_runners")
    assert unquote(call["iam_path"]) == "local.runner_iam_path"
    assert unquote(call["permissions_boundary_arn"]) == "aws_iam_policy.boundary.arn"
    access = load(root / "access.tf")["locals"][0]
    assert unquote(access["runner_iam_path"]) == "/${local.name_prefix}/"
    assert "${local.iam_prefix}:role${local.runner_iam_path}${local.name_prefix}-*" in str(
        access["project_roles"]
    )
