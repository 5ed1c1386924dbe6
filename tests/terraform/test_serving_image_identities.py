"""The serving image's pusher and the capture sink's writer, read from every cloud's root.

``serve-image.yml`` runs its build job in the GitHub environment ``serving-image``
and reads the identity's variables and ``SERVING_IMAGE_REPOSITORY``; the capture
sink (``deploy/base/capture-sink.yaml``) writes KServe's request log under
``<remote>/monitoring/kserve/`` as ``<slug>-capture-writer`` in each overlay's
namespace. These tests parse the workflow, the overlays and the Terraform, and
compare them; GCP and Azure cannot be applied here, so their conditions are
evaluated (``iam_conditions``) on the paths the sink writes and on their
neighbours (AWS is applied against moto in ``test_aws_serving_image``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.terraform.conftest import CLOUDS, MODULES_DIR
from tests.terraform.hcl import unquote
from tests.terraform.iam_conditions import azure_allows
from tests.terraform.test_monitoring_identities import (
    MD5,
    azure_condition,
    flat,
    gcs_condition,
    verdicts,
)
from tests.terraform.test_schema import identity_entry
from tests.terraform.tfgraph import Module, Scope

IDENTITY_VARIABLES = {
    "aws": {"AWS_ROLE_ARN"},
    "gcp": {"GCP_WORKLOAD_IDENTITY_PROVIDER", "GCP_SERVICE_ACCOUNT"},
    "azure": {"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID"},
}
ANNOTATIONS = {
    "aws": "eks.amazonaws.com/role-arn",
    "gcp": "iam.gke.io/gcp-service-account",
    "azure": "azure.workload.identity/client-id",
}
CAPTURE = "monitoring/kserve/my-ml-project/2026/12/06/0a1b.json"


def build_job(repo: Path) -> dict[str, Any]:
    workflow = yaml.safe_load((repo / ".github/workflows/serve-image.yml").read_text())
    job: dict[str, Any] = workflow["jobs"]["build"]
    return job


def names(text: str) -> set[str]:
    """The upper-case variable names an HCL object expression sets (``NAME = ...``)."""
    return set(re.findall(r"\b([A-Z][A-Z0-9_]+)\s*=", text))


def environments(repo: Path) -> dict[str, str]:
    """github.tf's environments: name to settings, as written."""
    text = (repo / "terraform" / "github.tf").read_text(encoding="utf-8")
    return dict(re.findall(r"^\s+([\w-]+)\s+=\s+(\{[^\n]*\})$", text, re.MULTILINE))


@pytest.mark.parametrize("cloud", CLOUDS)
def test_serve_image_reads_what_terraform_sets_on_its_environment(
    cloud: str, generated: dict[str, Path], roots: dict[str, Scope]
) -> None:
    repo, root = generated[cloud], roots[cloud].module
    job = build_job(repo)
    assert job["environment"] == "serving-image"
    read = set(re.findall(r"\bvars\.([A-Za-z0-9_]+)", yaml.safe_dump(job)))
    # IMAGE_ATTESTATIONS is the user's own opt-out (unset: attest), never set by Terraform.
    assert read == IDENTITY_VARIABLES[cloud] | {"SERVING_IMAGE_REPOSITORY", "IMAGE_ATTESTATIONS"}
    # The environment admits any branch: pull requests that change the lock build there
    # (tests/cdct/test_serve_image_identity checks every trigger against its trust).
    assert environments(repo)["serving-image"] == "{ branches = [] }"
    # Its identity is one of github_oidc's, so environment_variables gives it the
    # identity's variables; serving_image_variables adds the repository.
    entry = identity_entry(str(root.calls["github_oidc"]["identities"]), "serving-image")
    assert 'environment = "serving-image"' in entry.replace("'", '"')
    per_environment = unquote(str(root.locals["environment_variables"]))
    assert "lookup(local.serving_image_variables, name, {})" in per_environment
    assert IDENTITY_VARIABLES[cloud] <= names(per_environment)
    extra = flat(root.locals["serving_image_variables"])
    assert extra == "{serving-image:{SERVING_IMAGE_REPOSITORY:local.serving_image_repository}}"
    assert "SERVING_IMAGE_REPOSITORY" not in names(
        unquote(str(root.locals["repository_variables"]))
    )
    registry = {"aws": "repository_url", "gcp": "image", "azure": "image"}[cloud]
    assert unquote(root.locals["serving_image_repository"]) == (
        f"module.serving_registry.{registry}"
    )


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_the_pusher_is_held_to_serve_image_yml_on_main_and_pull_requests(
    cloud: str, roots: dict[str, Scope], generated: dict[str, Path]
) -> None:
    root = roots[cloud].module
    entry = identity_entry(str(root.calls["github_oidc"]["identities"]), "serving-image")
    assert "local.serving_image_workflows" in entry
    assert [unquote(ref) for ref in root.locals["serving_image_workflows"]] == [
        "${var.repository}/.github/workflows/serve-image.yml@refs/heads/main",
        "${var.repository}/.github/workflows/serve-image.yml@refs/pull/*/merge",
    ]
    # The workflow that the condition names is the one that runs in the environment.
    assert (generated[cloud] / ".github/workflows/serve-image.yml").is_file()


def pusher(root: Module) -> tuple[str, dict[str, Any]]:
    """The serving-image identity's entry in github_oidc, and the registry module's call."""
    entry = identity_entry(str(root.calls["github_oidc"]["identities"]), "serving-image")
    call: dict[str, Any] = root.calls["serving_registry"]
    return entry, call


def test_gcp_pusher_writes_to_its_repository_and_holds_no_project_role(
    roots: dict[str, Scope],
) -> None:
    # The image verifiers (gh attestation verify reads the digest from the registry) pull too.
    verifiers = (
        "{fornameinlocal.image_verifiers:verify-name"
        "=>module.github_oidc.service_account_members[name]}"
    )
    for variant, puller in (
        ("gcp", f"merge({{formemberinvar.gke_node_members:member=>member}},{verifiers})"),
        (
            "gcp-managed",
            f"merge({{vertex-ai=google_project_service_identity.vertex_ai.member}},{verifiers})",
        ),
    ):
        root = roots[variant].module
        entry, call = pusher(root)
        assert "project_roles" not in entry
        assert flat(call["pusher_members"]) == (
            "{serving-image:module.github_oidc.service_account_members[serving-image]}"
        )
        assert flat(call["puller_members"]) == puller
        assert "artifactregistry.googleapis.com" in unquote(str(root.locals["apis"]))
    module = Module.read(MODULES_DIR / "gcp-serving-registry")
    grants = {
        address: unquote(body["role"])
        for address, body in module.resources.items()
        if address.startswith("google_artifact_registry_repository_iam_member.")
    }
    # On the repository only; writer pushes and pulls, it cannot delete.
    assert grants == {
        "google_artifact_registry_repository_iam_member.pusher": "roles/artifactregistry.writer",
        "google_artifact_registry_repository_iam_member.puller": "roles/artifactregistry.reader",
    }
    repository = module.resources["google_artifact_registry_repository.serving"]
    assert repository["docker_config"][0]["immutable_tags"] is True
    assert [unquote(p["action"]) for p in repository["cleanup_policies"]] == [
        "DELETE",
        "DELETE",
        "KEEP",
        "KEEP",
    ]


def test_azure_pusher_pushes_to_its_registry_only(roots: dict[str, Scope]) -> None:
    for variant, puller in (
        ("azure", "aks-kubelet = var.aks_kubelet_principal_id"),
        ("azure-managed", "workspace.identity[0].principal_id"),
    ):
        entry, call = pusher(roots[variant].module)
        assert "role_assignments" not in entry
        assert flat(call["pusher_principal_ids"]) == (
            "{serving-image:module.github_oidc.principal_ids[serving-image]}"
        )
        assert puller in unquote(str(call["puller_principal_ids"]))
    module = Module.read(MODULES_DIR / "azure-serving-registry")
    registry = module.resources["azurerm_container_registry.serving"]
    assert (registry["admin_enabled"], registry["anonymous_pull_enabled"]) == (False, False)
    assignments = {
        address: (unquote(body["role_definition_name"]), unquote(body["scope"]))
        for address, body in module.resources.items()
        if address.startswith("azurerm_role_assignment.")
    }
    scope = "azurerm_container_registry.serving.id"
    assert assignments == {
        "azurerm_role_assignment.pusher": ("AcrPush", scope),
        "azurerm_role_assignment.puller": ("AcrPull", scope),
    }


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_capture_writer_is_the_overlays_capture_service_account(
    cloud: str, generated: dict[str, Path], roots: dict[str, Scope]
) -> None:
    repo, root = generated[cloud], roots[cloud].module
    account = yaml.safe_load((repo / "deploy/base/capture-service-account.yaml").read_text())
    assert list(account["metadata"]["annotations"]) == [ANNOTATIONS[cloud]]
    overlays = sorted((repo / "deploy" / "overlays").glob("*/kustomization.yaml"))
    wanted = {
        path.parent.name: {
            "namespace": yaml.safe_load(path.read_text())["namespace"],
            "name": account["metadata"]["name"],
        }
        for path in overlays
    }
    slug = repo.name
    writers = flat(root.locals["capture_writers"])
    # A slug this short is its own Kubernetes name (longer ones are cut: test_long_names).
    filled = writers.replace("var.project_slug", slug).replace("local.kubernetes_name", slug)
    for environment, subject in wanted.items():
        assert filled.replace("environment", environment).count(
            f"namespace={subject['namespace']},name={subject['name']}"
        ), (filled, subject)
    call = root.calls["capture_identity"]
    assert unquote(call["service_accounts"]) == "local.capture_writers"
    # The same cluster inputs as the model reader's identity, so both exist together.
    assert unquote(call["count"]) == unquote(root.calls["serving_identity"]["count"])
    module = f"{cloud}-serving-identity"
    assert Path(unquote(call["source"])) == MODULES_DIR / module  # sources point at this checkout
    assert unquote(root.locals["capture_folder"]) == "monitoring/kserve/"
    output = root.outputs["capture_service_account_annotations"]
    assert flat(output["value"]) == (
        "merge([foridentityinmodule.capture_identity:identity.service_account_annotations]...)"
    )
    annotations = Module.read(MODULES_DIR / module).outputs["service_account_annotations"]
    assert ANNOTATIONS[cloud] in unquote(str(annotations["value"]))


def test_gcp_capture_writer_creates_objects_under_monitoring_kserve_only(
    roots: dict[str, Scope],
) -> None:
    module = Module.read(MODULES_DIR / "gcp-dvc-remote")
    writer = module.resources["google_storage_bucket_iam_member.folder_writer"]
    # objectCreator: create only; no get, list, overwrite or delete.
    assert unquote(writer["role"]) == "roles/storage.objectCreator"
    expression = unquote(writer["condition"][0]["expression"])
    condition = gcs_condition_of(expression, "monitoring/kserve/")
    assert verdicts(condition, [CAPTURE]) == [True]
    refused = [MD5, "monitoring/vertex/a.json", "monitoring/kservex/a.json", "serving/a"]
    assert verdicts(condition, refused) == [False] * len(refused)
    writers = unquote(str(roots["gcp"].module.locals["dvc_folder_writers"]))
    assert "module.capture_identity" in writers and "local.capture_folder" in writers
    assert flat(roots["gcp-managed"].module.locals["dvc_folder_writers"]) == "{}"


def gcs_condition_of(expression: str, folder: str) -> str:
    """A folder writer's CEL for the remote gs://acme-dvc/ml and ``folder``."""
    pinned = gcs_condition("pinned_models")  # the same local.objects and local.prefix
    objects = pinned.split('startsWith("')[1].split("ml/files/md5/")[0]
    return (
        expression.replace('\\"', '"')
        .replace("${local.objects}", objects)
        .replace("${local.prefix}", "ml/")
        .replace('${trim(each.value.folder, "/")}', folder.strip("/"))
    )


def test_azure_capture_writer_writes_monitoring_kserve_only(roots: dict[str, Scope]) -> None:
    module = Module.read(MODULES_DIR / "azure-dvc-remote")
    body = module.resources["azurerm_role_assignment.folder_writer"]
    condition = azure_condition(body, "monitoring/kserve")
    assert azure_allows(condition, "B/write", f"ml/{CAPTURE}")
    for action, path in [
        ("B/write", f"ml/{MD5}"),
        ("B/write", "ml/monitoring/azureml/a.jsonl"),
        ("B/write", "ml/monitoring/kservex/a.json"),
        ("B/read", f"ml/{MD5}"),
        ("B/read", "ml/serving/a"),
        ("B/delete", f"ml/{CAPTURE}"),
        ("B/move/action", f"ml/{CAPTURE}"),
    ]:
        assert not azure_allows(condition, action, path), (action, path)
    writers = unquote(str(roots["azure"].module.locals["dvc_folder_writers"]))
    assert "module.capture_identity" in writers and "local.capture_folder" in writers


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_the_jobs_that_verify_a_pinned_image_may_pull_it_and_nothing_more(
    cloud: str, roots: dict[str, Scope]
) -> None:
    """``gh attestation verify oci://...`` reads the digest from the registry: the identity of
    the job that verifies (verify-image.yml in ``ci``; managed cd.yml in each deploy
    environment) is a puller of the serving image's repository, and of nothing else."""
    for variant, verifiers in ((cloud, ["ci"]), (f"{cloud}-managed", ["staging", "production"])):
        root = roots[variant].module
        assert [unquote(name) for name in root.locals["image_verifiers"]] == verifiers
        call = roots[variant].module.calls["serving_registry"]
        if cloud == "aws":
            identities = flat(root.calls["github_oidc"]["identities"])
            assert (
                "contains(local.image_verifiers,name)?{pull=module.serving_registry.pull_policy_arn}:{}"
                in identities
            )
        else:
            key = "puller_members" if cloud == "gcp" else "puller_principal_ids"
            members = "service_account_members" if cloud == "gcp" else "principal_ids"
            assert (
                f"{{fornameinlocal.image_verifiers:verify-name=>module.github_oidc.{members}[name]}}"
                in flat(call[key])
            )
