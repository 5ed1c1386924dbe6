"""GCP and Azure identities of managed deploy and the drift loop, read from the roots.

What the generated code calls: ``managed/storage.py`` reads the pinned model
(``files/md5/``) and writes its serving copy (``serving/``); ``capture.py`` (gcsfs,
adlfs) looks up ``monitoring`` and reads below it; ``drift.yml`` pulls and pushes
DVC objects (``files/md5/``), and on GCP runs a BigQuery query on the Vertex AI
request log and copies the window to ``monitoring/vertex/``; Azure ML's data
collector writes ``monitoring/azureml/`` through the datastore that
``AZUREML_MONITORING_DATASTORE`` names. These clouds cannot be applied here, so the
conditions the Terraform writes are evaluated (``iam_conditions``) on those paths
and on their neighbours.
"""

from __future__ import annotations

import re

import pytest

from tests.terraform.conftest import MODULES_DIR
from tests.terraform.hcl import unquote
from tests.terraform.iam_conditions import allows, azure_allows, fill
from tests.terraform.test_schema import identity_entry
from tests.terraform.tfgraph import Module, Scope

OBJECTS = "projects/_/buckets/acme-dvc/objects/"
GCS = {"local.objects": OBJECTS, "local.prefix": "ml/"}
MD5 = "files/md5/0a/1b2c3d4e5f60718293a4b5c6d7e8f9"


def gcs_condition(name: str) -> str:
    """A condition local of gcp-dvc-remote, as CEL for the remote gs://acme-dvc/ml."""
    module = Module.read(MODULES_DIR / "gcp-dvc-remote")
    text = unquote(module.locals[name])
    if re.fullmatch(r"local\.\w+", text):
        return gcs_condition(text.removeprefix("local."))
    pinned = gcs_condition("pinned_models") if "${local.pinned_models}" in text else ""
    return fill(text.replace("${local.pinned_models}", pinned), GCS)


def flat(value: object) -> str:
    """A parsed HCL value as text without quotes, interpolation marks or spaces."""
    bare = re.sub(r"""["'\s]""", "", unquote(str(value)))
    return re.sub(r"\$\{([^{}]*)\}", r"\1", bare)


def verdicts(condition: str, paths: list[str]) -> list[bool]:
    return [allows(condition, f"{OBJECTS}ml/{path}") for path in paths]


def test_gcp_monitor_reads_pinned_data_and_capture_only() -> None:
    reads = gcs_condition("monitor_reads")
    assert verdicts(reads, [MD5, "monitoring/vertex/2026/12/06/window.json", "monitoring"]) == [
        True,
        True,
        True,
    ]
    outside = ["serving/0a/model.joblib", "monitoringx/a", "files/md5", "tfstate", "monitoring2"]
    assert verdicts(reads, outside) == [False] * len(outside)
    assert not allows(reads, f"{OBJECTS}{MD5}")  # the same folder outside the remote's path


def test_gcp_monitor_pushes_dvc_objects_and_rewrites_exports_only() -> None:
    module = Module.read(MODULES_DIR / "gcp-dvc-remote")
    push = module.resources["google_storage_bucket_iam_member.monitor_push"]
    assert unquote(push["role"]) == "roles/storage.objectCreator"  # no overwrite, no delete
    pushes = gcs_condition("monitor_push_only")
    assert verdicts(pushes, [MD5, "monitoring/a", "serving/a", "files/x"]) == [
        True,
        False,
        False,
        False,
    ]
    export = module.resources["google_storage_bucket_iam_member.monitor_export"]
    assert unquote(export["role"]) == "roles/storage.objectUser"
    rewrites = fill(
        unquote(export["condition"][0]["expression"]),
        {**GCS, "each.value.folder": "monitoring/vertex"},
    )
    assert verdicts(rewrites, ["monitoring/vertex/2026/12/06/window.json", MD5]) == [True, False]
    assert verdicts(rewrites, ["monitoring/kserve/a.json", "monitoring/vertexx/a"]) == [
        False,
        False,
    ]
    rule = unquote(module.variables["monitor_export_folders"]["validation"][0]["condition"])
    pattern = re.search(r'regex\("(.*)", folder\)', rule)
    assert pattern
    accepted = [
        f
        for f in ("monitoring/vertex/", "files/md5/", "monitoring/../x")
        if re.fullmatch(pattern[1].replace("\\\\", "\\"), f)
    ]
    assert accepted == ["monitoring/vertex/"]


def test_gcp_publishers_read_pinned_models_only() -> None:
    reads = gcs_condition("publisher_reads")
    assert verdicts(reads, [MD5, "monitoring/a", "serving/a", "data/raw.csv"]) == [
        True,
        False,
        False,
        False,
    ]
    module = Module.read(MODULES_DIR / "gcp-dvc-remote")
    assert unquote(module.locals["readers"]) == "var.reader_members"  # publishers not unscoped


@pytest.mark.parametrize("variant", ["gcp", "gcp-managed"])
def test_gcp_monitoring_is_a_monitor_not_a_reader(variant: str, roots: dict[str, Scope]) -> None:
    call = roots[variant].module.calls["dvc_remote"]
    assert 'concat(local.deploy_environments, ["monitoring"])' in unquote(
        str(call["reader_members"])
    )
    assert flat(call["monitor_members"]) == (
        "{monitoring:module.github_oidc.service_account_members[monitoring]}"
    )
    folders = flat(roots[variant].module.locals["monitor_export_folders"])
    assert folders == ("[monitoring/vertex/]" if variant == "gcp-managed" else "[]")


def test_gcp_monitor_queries_the_production_request_log_only(roots: dict[str, Scope]) -> None:
    root = roots["gcp-managed"].module
    dataset = unquote(root.locals["vertex_logging_dataset"])
    assert dataset == (
        'logging_${replace(google_vertex_ai_endpoint.deploy["production"].display_name, "-", "_")}'
        '_${google_vertex_ai_endpoint.deploy["production"].name}'
    )
    assert unquote(root.locals["vertex_logging_table"]) == (
        "${var.project_id}.${local.vertex_logging_dataset}.request_response_logging"
    )
    assert flat(root.locals["deploy_project_roles"]) == (
        "{monitoring:[roles/bigquery.jobUser,roles/bigquery.dataViewer]}"
    )
    conditions = root.locals["deploy_project_role_conditions"]
    [[entry]] = (
        [list(c.values()) for c in conditions.values()] if isinstance(conditions, dict) else [[]]
    )
    expression = fill(
        unquote(entry["expression"]),
        {"var.project_id": "acme", "local.vertex_logging_dataset": "logging_app_production_42"},
    )
    base = "projects/acme/datasets/"
    assert allows(expression, f"{base}logging_app_production_42")
    assert allows(expression, f"{base}logging_app_production_42/tables/request_response_logging")
    for other in ("logging_app_staging_41", "logging_app_production_420", "analytics/tables/x"):
        assert not allows(expression, f"{base}{other}"), other
    identities = str(root.calls["github_oidc"]["identities"])
    assert "lookup(local.deploy_project_role_conditions, name, {})" in unquote(identities)
    grantable = unquote(str(root.locals["deploy_grantable_roles"]))
    assert "roles/bigquery.dataViewer" in grantable and "roles/bigquery.jobUser" in grantable
    variables = unquote(str(root.locals["repository_variables"]))
    assert "VERTEX_LOGGING_TABLE" in variables and "local.vertex_logging_table" in variables
    assert "bigquery.googleapis.com" in unquote(str(root.locals["apis"]))


def test_gcp_deploy_identity_deletes_the_models_it_replaced(roots: dict[str, Scope]) -> None:
    root = roots["gcp-managed"].module
    publisher = root.resources["google_project_iam_custom_role.model_publisher"]
    assert sorted(unquote(p) for p in publisher["permissions"]) == [
        "aiplatform.endpoints.list",
        "aiplatform.models.delete",
        "aiplatform.models.get",
        "aiplatform.models.list",
        "aiplatform.models.upload",
    ]


NO_DELETE = 'join(" AND ", [for action in ["delete", "move/action"] : "(!(ActionMatches{\'${local.blob}/${action}\'}))"])'


def azure_condition(body: dict[str, object], folder: str = "") -> str:
    """A role assignment's condition for the remote azure://<container>/ml, as written."""
    module = Module.read(MODULES_DIR / "azure-dvc-remote")
    assert unquote(str(module.locals["no_delete"])) == NO_DELETE
    expanded = {
        name: unquote(str(value))
        for name, value in module.locals.items()
        if name not in ("blob", "prefix")
    }
    expanded["no_delete"] = "(!(ActionMatches{'${local.blob}/delete'})) AND " + (
        "(!(ActionMatches{'${local.blob}/move/action'}))"
    )
    text = unquote(str(body["condition"]))
    for _ in range(4):  # locals refer to locals
        for name, value in expanded.items():
            text = text.replace(f"${{local.{name}}}", value)
    text = "${local.monitor_condition}" if text == "local.monitor_condition" else text
    text = text.replace("${local.monitor_condition}", expanded["monitor_condition"])
    for _ in range(4):
        for name, value in expanded.items():
            text = text.replace(f"${{local.{name}}}", value)
    values = {"local.blob": "B", "local.prefix": "ml/", 'trim(each.value.folder, "/")': folder}
    return fill(text, values)


def test_azure_monitor_reads_pushes_and_never_deletes() -> None:
    module = Module.read(MODULES_DIR / "azure-dvc-remote")
    body = module.resources["azurerm_role_assignment.monitor"]
    assert unquote(body["role_definition_name"]) == "Storage Blob Data Contributor"
    condition = azure_condition(body)
    allowed = [
        ("B/read", f"ml/{MD5}", ""),
        ("B/read", "ml/monitoring", ""),
        ("B/read", "ml/monitoring/azureml/app/request/2026/12/06/10/a.jsonl", ""),
        ("B/read", "ml/anything", "Blob.List"),
        ("B/write", f"ml/{MD5}", ""),
        ("B/add/action", f"ml/{MD5}", ""),
    ]
    assert [case for case in allowed if not azure_allows(condition, *case)] == []
    refused = [
        ("B/read", "ml/serving/a", ""),
        ("B/read", "ml/monitoringx", ""),
        ("B/read", MD5, ""),
        ("B/write", "ml/monitoring/a", ""),
        ("B/write", "ml/serving/a", ""),
        ("B/delete", f"ml/{MD5}", ""),
        ("B/move/action", f"ml/{MD5}", ""),
    ]
    assert [case for case in refused if azure_allows(condition, *case)] == []


def test_azure_data_collector_writes_its_folder_only(roots: dict[str, Scope]) -> None:
    module = Module.read(MODULES_DIR / "azure-dvc-remote")
    body = module.resources["azurerm_role_assignment.folder_writer"]
    condition = azure_condition(body, "monitoring/azureml")
    capture = "ml/monitoring/azureml/app-production/request/2026/12/06/10/a.jsonl"
    assert azure_allows(condition, "B/write", capture)
    assert azure_allows(condition, "B/read", capture)
    for action, path in [
        ("B/write", f"ml/{MD5}"),
        ("B/write", "ml/monitoring/kserve/a.json"),
        ("B/read", f"ml/{MD5}"),
        ("B/delete", capture),
    ]:
        assert not azure_allows(condition, action, path), (action, path)
    root = roots["azure-managed"].module
    writers = unquote(str(root.locals["dvc_folder_writers"]))
    # The collector writes as the endpoint's identity, not the workspace's.
    assert "azurerm_user_assigned_identity.endpoint[environment].principal_id" in writers
    assert "azurerm_machine_learning_workspace" not in writers
    assert re.search(r"folder\W+monitoring/azureml/", writers)
    readers = unquote(str(root.locals["dvc_folder_readers"]))
    assert "module.github_oidc.principal_ids[environment]" in readers
    assert re.search(r"folder\W+files/md5/", readers)


def test_azure_monitoring_datastore_is_created_and_named_to_cd(roots: dict[str, Scope]) -> None:
    root = roots["azure-managed"].module
    store = root.resources["azurerm_machine_learning_datastore_blobstorage.monitoring"]
    assert unquote(store["for_each"]) == "toset(local.deploy_environments)"
    assert unquote(store["storage_container_id"]) == "module.dvc_remote.container_id"
    assert unquote(store["workspace_id"]) == "azurerm_machine_learning_workspace.ml[each.key].id"
    assert unquote(store["service_data_auth_identity"]) == "WorkspaceSystemAssignedIdentity"
    assert "account_key" not in store and "shared_access_signature" not in store
    variables = unquote(str(root.locals["environment_variables"]))
    assert '"AZUREML_MONITORING_DATASTORE" => datastore.name if environment == name' in variables
    for variant in ("azure", "azure-managed"):
        call = roots[variant].module.calls["dvc_remote"]
        assert '["monitoring"]' in unquote(str(call["reader_principal_ids"]))
        assert "monitoring" in unquote(str(call["monitor_principal_ids"]))
        plan = identity_entry(
            str(roots[variant].module.calls["github_oidc"]["identities"]), "infra"
        )
        assert "local.infra_rbac_condition" in plan
