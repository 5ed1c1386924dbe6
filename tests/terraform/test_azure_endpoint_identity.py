"""The identity Azure ML's online endpoints run as, from Terraform to cd.yml.

Managed CD (``managed/azureml.py``) creates each environment's endpoint as the
user-assigned identity ``AZUREML_ENDPOINT_IDENTITY`` names, because the data
collector writes as the endpoint's identity. Terraform creates that identity per
deploy environment, lets it write ``monitoring/azureml/`` of the DVC remote and
nothing else there, pull the serving image, and read the models its workspace
holds; each deploy identity may assign it (Managed Identity Operator on it alone).
These tests parse cd.yml and the generated root and compare them, and evaluate
the role-assignment conditions (``iam_conditions``) on the paths involved.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.terraform.conftest import MODULES_DIR
from tests.terraform.hcl import unquote
from tests.terraform.iam_conditions import azure_allows, fill
from tests.terraform.test_monitoring_identities import MD5, azure_condition, flat
from tests.terraform.tfgraph import Module, Scope

IDENTITY = "azurerm_user_assigned_identity.endpoint"
BLOB = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs"
WORKSPACE_ID = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"


@pytest.fixture(scope="module")
def root(long_slug: dict[str, Path]) -> Module:
    return Module.read(long_slug["azure"] / "terraform")


def deploy_reads(repo: Path) -> set[str]:
    """The ``vars.*`` that cd.yml's deploy job reads (its steps' env and run lines)."""
    workflow = yaml.safe_load((repo / ".github/workflows/cd.yml").read_text(encoding="utf-8"))
    return set(re.findall(r"\bvars\.([A-Za-z0-9_]+)", yaml.safe_dump(workflow["jobs"]["deploy"])))


def test_cd_reads_the_endpoint_identity_terraform_sets_per_environment(
    long_slug: dict[str, Path], root: Module
) -> None:
    read = {name for name in deploy_reads(long_slug["azure"]) if name.startswith("AZUREML_")}
    assert "AZUREML_ENDPOINT_IDENTITY" in read
    per_environment = unquote(str(root.locals["environment_variables"]))
    repository = unquote(str(root.locals["repository_variables"]))
    set_here = set(re.findall(r'"(AZUREML_[A-Z_]+)" =>', per_environment))
    set_here |= set(re.findall(r"\b(AZUREML_[A-Z_]+)\s*=", repository))
    # Every Azure ML setting the deploy job reads is one Terraform sets, and back.
    assert read == set_here
    assert (
        f'for environment, identity in {IDENTITY} : "AZUREML_ENDPOINT_IDENTITY" => '
        "identity.id if environment == name"
    ) in per_environment
    assert "AZUREML_ENDPOINT_IDENTITY" not in repository
    identity = root.resources[IDENTITY]
    assert unquote(identity["for_each"]) == "toset(local.deploy_environments)"
    assert unquote(identity["name"]) == "${var.project_slug}-endpoint-${each.key}"


def test_the_endpoint_identity_writes_the_collectors_folder_only(root: Module) -> None:
    writers = flat(root.locals["dvc_folder_writers"])
    assert writers == (
        "{forenvironmentinlocal.deploy_environments:azureml-environment=>"
        f"{{principal_id={IDENTITY}[environment].principal_id,folder=monitoring/azureml/}}}}"
    )
    # It reads nothing of the remote: managed CD fetches the model as the deploy identity.
    assert IDENTITY not in unquote(str(root.locals["dvc_folder_readers"]))
    call = root.calls["dvc_remote"]
    for argument in ("reader_principal_ids", "writer_principal_ids", "monitor_principal_ids"):
        assert IDENTITY not in unquote(str(call[argument])), argument
    module = Module.read(MODULES_DIR / "azure-dvc-remote")
    condition = azure_condition(
        module.resources["azurerm_role_assignment.folder_writer"], "monitoring/azureml"
    )
    capture = "ml/monitoring/azureml/endpoint-production/request/2026/12/06/10/a.jsonl"
    assert azure_allows(condition, "B/write", capture)
    refused = [
        ("B/write", f"ml/{MD5}"),
        ("B/read", f"ml/{MD5}"),
        ("B/read", "ml/serving/0a1b/model.joblib"),
        ("B/write", "ml/monitoring/kserve/a.json"),
        ("B/write", "ml/monitoring/azureml-x/a.json"),
        ("B/delete", capture),
    ]
    assert [case for case in refused if azure_allows(condition, *case)] == []


def test_the_endpoint_identity_pulls_the_image_and_reads_its_workspaces_models(
    root: Module,
) -> None:
    pullers = unquote(str(root.calls["serving_registry"]["puller_principal_ids"]))
    assert (
        f'for environment, identity in {IDENTITY} : "endpoint-${{environment}}" => identity.principal_id'
        in pullers
    )
    body = root.resources["azurerm_role_assignment.endpoint_models"]
    assert unquote(body["role_definition_name"]) == "Storage Blob Data Reader"
    assert unquote(body["scope"]) == "azurerm_storage_account.ml[each.key].id"
    assert unquote(body["principal_id"]) == f"{IDENTITY}[each.key].principal_id"
    condition = fill(
        unquote(str(body["condition"])),
        {"azurerm_machine_learning_workspace.ml[each.key].workspace_id": WORKSPACE_ID},
    )
    models = f"azureml-blobstore-{WORKSPACE_ID}"
    upload = "LocalUpload/0a1b2c/model.joblib"
    read = f"{BLOB}/read"
    assert azure_allows(condition, read, upload, container=models)
    assert azure_allows(condition, read, "", "Blob.List", container=models)
    for container in (f"azureml-blobstore-{WORKSPACE_ID[:-1]}0", "insights-logs", "azureml"):
        assert not azure_allows(condition, read, upload, container=container), container
        assert not azure_allows(condition, read, "", "Blob.List", container=container)


def test_each_deploy_identity_may_assign_its_endpoint_identity_only(
    root: Module, roots: dict[str, Scope]
) -> None:
    assignments = unquote(str(root.locals["deploy_role_assignments"]))
    operator = re.findall(r"\{[^{}]*Managed Identity Operator[^{}]*\}", assignments)
    assert len(operator) == 1
    assert f"scope = {IDENTITY}[environment].id" in operator[0]
    assignable = re.findall(
        r'"([^"]+)"', str(roots["azure-managed"].module.locals["infra_assignable_roles"])
    )
    assert "Managed Identity Operator" in assignable
    kserve = re.findall(r'"([^"]+)"', str(roots["azure"].module.locals["infra_assignable_roles"]))
    assert "Managed Identity Operator" not in kserve
