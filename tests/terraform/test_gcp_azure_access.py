"""GCP and Azure identities after issue 12's review: who may do what, read from the roots.

These clouds cannot be applied here, so each test reads the generated roots (KServe
and managed variants, module sources at this checkout) and evaluates the IAM
conditions they write with ``iam_conditions``.
"""

from __future__ import annotations

import re

import pytest

from tests.terraform.conftest import MODULES_DIR
from tests.terraform.hcl import unquote
from tests.terraform.iam_conditions import allows, fill
from tests.terraform.test_schema import identity_entry
from tests.terraform.tfgraph import Module, Scope, strings

BUCKET = {"var.bucket_name": "acme-dvc", "local.objects": "projects/_/buckets/acme-dvc/objects/"}
# Roles that can set IAM policy or edit roles: holding one unconditioned is owner.
ESCALATING = (
    "roles/owner",
    "roles/editor",
    "roles/iam.roleAdmin",
    "roles/iam.securityAdmin",
    "roles/resourcemanager.projectIamAdmin",
)


def text(scope: Scope) -> str:
    return "\n".join(expression for _, expression in scope.module.expressions())


def test_gke_workload_identity_waits_for_a_cluster(roots: dict[str, Scope]) -> None:
    root = roots["gcp"].module
    call = root.calls["serving_identity"]
    assert unquote(call["count"]) == "var.gke_workload_pool == null ? 0 : 1"
    assert unquote(call["workload_pool"]) == "var.gke_workload_pool"
    assert root.variables["gke_workload_pool"]["default"] is None
    module = Module.read(MODULES_DIR / "gcp-serving-identity")
    assert "default" not in module.variables["workload_pool"]  # never the project's pool by default
    assert "svc.id.goog" not in "".join(strings(module.locals))


def test_vertex_ai_service_agent_is_created_before_it_is_granted(roots: dict[str, Scope]) -> None:
    root = roots["gcp-managed"].module
    agent = root.resources["google_project_service_identity.vertex_ai"]
    assert unquote(agent["service"]) == "aiplatform.googleapis.com"
    assert unquote(agent["provider"]) == "google-beta"
    assert "gcp-sa-" not in text(roots["gcp-managed"])  # no hand-built agent email
    readers = str(root.locals["dvc_folder_readers"])
    assert "google_project_service_identity.vertex_ai.member" in readers


def folder_condition(folder: str, path: str = "ml/") -> str:
    module = Module.read(MODULES_DIR / "gcp-dvc-remote")
    body = module.resources["google_storage_bucket_iam_member.folder_reader"]
    values = {**BUCKET, "local.prefix": path, 'trim(each.value.folder, "/")': folder.strip("/")}
    return fill(unquote(body["condition"][0]["expression"]), values)


def test_gcp_folder_readers_read_their_folder_only(roots: dict[str, Scope]) -> None:
    objects = "projects/_/buckets/acme-dvc/objects/ml/"
    condition = folder_condition("serving/")
    assert allows(condition, f"{objects}serving/0a1b/model.joblib")
    for other in ("files/md5/0a/1b", "servingx/a", "../serving/a"):
        assert not allows(condition, f"{objects}{other}"), other
    assert not allows(condition, "projects/_/buckets/acme-dvc/objects/serving/a")
    managed = str(roots["gcp-managed"].module.locals["dvc_folder_readers"])
    kserve = str(roots["gcp"].module.locals["dvc_folder_readers"])
    assert re.search(r"folder\W+serving/", managed) and re.search(r"folder\W+files/md5/", kserve)
    for variant in ("gcp", "gcp-managed"):
        call = roots[variant].module.calls["dvc_remote"]
        assert "serving" not in str(call["reader_members"]) and "vertex" not in str(call)


def test_gcp_publishers_may_overwrite_serving_copies_only() -> None:
    module = Module.read(MODULES_DIR / "gcp-dvc-remote")
    body = module.resources["google_storage_bucket_iam_member.publisher"]
    # Overwriting an object needs storage.objects.delete besides create
    # (cloud.google.com/storage/docs/access-control/iam-permissions): objectCreator lacks it.
    assert unquote(body["role"]) == "roles/storage.objectUser"
    values = {**BUCKET, "local.prefix": "ml/"}
    condition = fill(unquote(body["condition"][0]["expression"]), values)
    assert allows(condition, "projects/_/buckets/acme-dvc/objects/ml/serving/0a1b/model.joblib")
    assert not allows(condition, "projects/_/buckets/acme-dvc/objects/ml/files/md5/0a/1b")


def test_each_vertex_deploy_identity_gets_its_own_endpoint(roots: dict[str, Scope]) -> None:
    root = roots["gcp-managed"].module
    grant = root.resources["google_vertex_ai_endpoint_iam_member.deploy"]
    assert unquote(grant["endpoint"]) == "google_vertex_ai_endpoint.deploy[each.key].name"
    assert unquote(grant["member"]) == "module.github_oidc.service_account_members[each.key]"
    endpoint = root.resources["google_vertex_ai_endpoint.deploy"]
    assert unquote(endpoint["display_name"]) == "${var.project_slug}-${each.key}"
    # The smoke endpoint too is Terraform's, granted to the same identity alone, unlogged.
    smoke = root.resources["google_vertex_ai_endpoint.smoke"]
    assert unquote(smoke["display_name"]) == "${var.project_slug}-${each.key}-smoke"
    assert "predict_request_response_logging_config" not in smoke
    smoke_grant = root.resources["google_vertex_ai_endpoint_iam_member.smoke"]
    assert unquote(smoke_grant["endpoint"]) == "google_vertex_ai_endpoint.smoke[each.key].name"
    assert unquote(smoke_grant["member"]) == unquote(grant["member"])
    assert unquote(smoke_grant["role"]) == unquote(grant["role"]) == "roles/aiplatform.user"
    publisher = root.resources["google_project_iam_custom_role.model_publisher"]
    permissions = [unquote(p) for p in publisher["permissions"]]
    assert [p for p in permissions if p.startswith("aiplatform.endpoints.")] == [
        "aiplatform.endpoints.list"
    ]
    assert "aiplatform" not in str(root.calls["github_oidc"]["identities"])


def test_gcp_infra_cannot_grant_itself_more(roots: dict[str, Scope]) -> None:
    for variant in ("gcp", "gcp-managed"):
        root = roots[variant].module
        infra = identity_entry(str(root.calls["github_oidc"]["identities"]), "infra")
        granted = re.findall(r"roles/[\w.]+", infra + str(root.locals["infra_project_roles"]))
        conditioned = re.findall(r'"(roles/[\w.]+)"\s*=\s*\{', infra)
        assert conditioned == ["roles/resourcemanager.projectIamAdmin"]
        assert [r for r in granted if r in ESCALATING and r not in conditioned] == []
        assert (
            "modifiedGrantsByRole', []).hasOnly(${jsonencode(local.infra_grantable_roles)})"
            in infra
        )
        grantable = unquote(str(root.locals["infra_grantable_roles"]))
        assert grantable == (
            "sort(distinct(concat(module.gpu_runners.project_roles, local.deploy_grantable_roles)))"
        )
        assert not [r for r in ESCALATING if r in str(root.locals["deploy_grantable_roles"])]
    runners = Module.read(MODULES_DIR / "gcp-gpu-runners").locals["project_roles"]
    assert not [r for r in ESCALATING if r in str(runners)]


def test_azure_infra_assigns_only_the_configurations_data_roles(roots: dict[str, Scope]) -> None:
    for variant, extra in (
        ("azure", []),
        ("azure-managed", ["AzureML Data Scientist", "Managed Identity Operator"]),
    ):
        root = roots[variant].module
        infra = identity_entry(str(root.calls["github_oidc"]["identities"]), "infra")
        assert "condition = local.infra_rbac_condition" in infra.replace('"', "")
        assignable = re.findall(r'"([^"]+)"', str(root.locals["infra_assignable_roles"]))
        assert assignable == [
            "AcrPull",
            "AcrPush",
            "Storage Blob Data Contributor",
            "Storage Blob Data Reader",
            *extra,
        ]
        # Every role the modules assign when infra applies is one it may assign.
        for name in ("azure-dvc-remote", "azure-serving-registry"):
            for assignment in Module.read(MODULES_DIR / name).resources.values():
                if "role_definition_name" in assignment:
                    assert unquote(assignment["role_definition_name"]) in assignable, name
        condition = str(root.locals["infra_rbac_condition"])
        for needed in (
            "roleAssignments/${action}",
            "GuidEquals",
            "PrincipalType",
            "'ServicePrincipal'",
        ):
            assert needed in condition, needed
    module = Module.read(MODULES_DIR / "azure-github-oidc")
    assignment = module.resources["azurerm_role_assignment.github"]
    assert unquote(assignment["condition"]) == "each.value.condition"


def test_azure_storage_accounts_take_no_shared_keys(roots: dict[str, Scope]) -> None:
    for variant in ("azure", "azure-managed"):
        scope = roots[variant]
        accounts = [
            (name, body)
            for current in (scope, *scope.children.values())
            for name, body in current.module.resources.items()
            if name.startswith("azurerm_storage_account.")
        ]
        assert accounts
        for name, body in accounts:
            assert body.get("shared_access_key_enabled") is False, f"{variant}: {name}"
    workspace = roots["azure-managed"].module.resources["azurerm_machine_learning_workspace.ml"]
    assert unquote(workspace["storage_account_access_type"]) == "identity"
    plan = identity_entry(
        str(roots["azure"].module.calls["github_oidc"]["identities"]), "infra-plan"
    )
    # Reader and the blob data roles carry no Microsoft.Storage/storageAccounts/listkeys/action.
    assert set(re.findall(r'role_definition_name\s*=\s*"([^"]+)"', plan)) == {
        "Reader",
        "Storage Blob Data Reader",
    }


def test_each_azure_deploy_identity_gets_its_own_workspace(roots: dict[str, Scope]) -> None:
    root = roots["azure-managed"].module
    assignments = unquote(str(root.locals["deploy_role_assignments"]))
    assert "scope = azurerm_machine_learning_workspace.ml[environment].id" in assignments
    # Identity-based datastores: the model upload writes blobs as the deploy identity.
    assert "scope = azurerm_storage_account.ml[environment].id" in assignments
    for kind in ("machine_learning_workspace", "storage_account", "key_vault"):
        body = root.resources[f"azurerm_{kind}.ml"]
        assert unquote(body["for_each"]) == "toset(local.deploy_environments)", kind
    # cd.yml reads vars.AZUREML_WORKSPACE: each environment gets its own.
    variables = unquote(str(root.locals["environment_variables"]))
    assert '"AZUREML_WORKSPACE" => workspace.name if environment == name' in variables
    assert "AZUREML_WORKSPACE" not in str(root.locals["repository_variables"])


SERVICE_ACCOUNT_ID = re.compile(r"[a-z][-a-z0-9]{4,28}[a-z0-9]")


def gcp_prefix(slug: str) -> str:
    """The root's ``local.prefix``: ``trimsuffix(substr(var.project_slug, 0, 16), "-")``."""
    return slug[:16].removesuffix("-")


@pytest.mark.parametrize("slug", ["a", "ab", "ml", "a-very-long-project-name-for-a-team-x"])
def test_gcp_names_are_valid_for_any_slug(slug: str, roots: dict[str, Scope]) -> None:
    root = roots["gcp"]
    assert (
        unquote(root.module.locals["prefix"]) == 'trimsuffix(substr(var.project_slug, 0, 16), "-")'
    )
    prefix = gcp_prefix(slug)
    runners = root.children["gpu_runners"].module
    condition = unquote(runners.variables["prefix"]["validation"][0]["condition"])
    pattern = re.search(r'regex\("(.*)", var\.prefix\)', condition)
    assert pattern and re.fullmatch(pattern.group(1).replace("\\\\", "\\"), prefix), prefix
    oidc = root.children["github_oidc"].module
    rule = unquote(str(oidc.locals["account_id"]))
    assert 'length("${var.name_prefix}-${name}") < 6 ? "${var.name_prefix}-${name}-gh"' in rule
    identities = ["monitoring", "ci", "staging", "production", "infra-plan", "infra", "training"]
    ids = [f"{prefix}-{n}" if len(f"{prefix}-{n}") >= 6 else f"{prefix}-{n}-gh" for n in identities]
    for address, body in runners.resources.items():
        if address.startswith("google_service_account."):
            ids.append(fill(unquote(body["account_id"]), {"var.prefix": prefix}))
    serving = unquote(root.module.calls["serving_identity"]["account_id"])
    ids.append(fill(serving, {"local.prefix": prefix}))
    assert len(ids) >= 10
    assert [i for i in ids if not SERVICE_ACCOUNT_ID.fullmatch(i)] == []


def test_azure_model_server_reads_pinned_artifacts_only(roots: dict[str, Scope]) -> None:
    module = Module.read(MODULES_DIR / "azure-dvc-remote")
    body = module.resources["azurerm_role_assignment.folder_reader"]
    assert unquote(body["role_definition_name"]) == "Storage Blob Data Reader"
    condition = fill(
        unquote(str(body["condition"])),
        {"local.blob": "B", "local.prefix": "ml/", 'trim(each.value.folder, "/")': "files/md5"},
    )
    assert "(@Resource[B:path] StringStartsWith 'ml/files/md5/')" in condition
    assert "!(ActionMatches{'B/read'} AND NOT SubOperationMatches{'Blob.List'})" in condition
    readers = unquote(str(roots["azure"].module.locals["dvc_folder_readers"]))
    assert re.search(r"folder\W+files/md5/", readers)
    assert "serving" not in str(roots["azure"].module.calls["dvc_remote"]["reader_principal_ids"])
