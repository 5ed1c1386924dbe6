"""Facts about the clouds that no provider schema carries, with where each comes from.

They are small, stable tables copied by hand from the clouds' public reference
pages; ``schema_build`` writes them into ``provider_schemas.json`` beside the
generated schemas so that one file holds everything the schema test reads.
"""

from __future__ import annotations

from typing import Any

BLOB = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs"

# Arguments that changed between the schema's provider version and the pinned one,
# applied by schema_build on top of the generated schema and recorded in its sources.
PATCHES: dict[str, dict[str, Any]] = {
    "azurerm_federated_identity_credential": {
        "source": "terraform-provider-azurerm: user_assigned_identity_id replaces parent_id, "
        "resource_group_name deprecated (PR #30860, released after 4.55.0; docs of 4.81.0)",
        "add": {"user_assigned_identity_id": {"required": False}},
        "optional": ["parent_id", "resource_group_name"],
    },
    "azurerm_machine_learning_workspace": {
        "source": "terraform-provider-azurerm v4.81.0: storage_account_access_type (accessKey or "
        "identity, the workspace's systemDatastoresAuthMode) in "
        "internal/services/machinelearning/machine_learning_workspace_resource.go",
        "add": {"storage_account_access_type": {"required": False}},
        "optional": [],
    },
}

FACTS: dict[str, Any] = {
    "gcp_service_of_type": {
        "source": "Google Cloud API of each Terraform type's REST resource (provider docs, 'API documentation' links)",
        "by_prefix": {
            "google_artifact_registry_": "artifactregistry.googleapis.com",
            "google_cloud_scheduler_": "cloudscheduler.googleapis.com",
            "google_compute_": "compute.googleapis.com",
            "google_iam_workload_identity_pool": "iam.googleapis.com",
            "google_kms_": "cloudkms.googleapis.com",
            "google_project_iam_custom_role": "iam.googleapis.com",
            "google_project_iam_member": "cloudresourcemanager.googleapis.com",
            "google_project_service": "serviceusage.googleapis.com",
            "google_project_service_identity": "serviceusage.googleapis.com",
            "google_vertex_ai_": "aiplatform.googleapis.com",
            "google_project": "cloudresourcemanager.googleapis.com",
            "google_service_account": "iam.googleapis.com",
            "google_storage_": "storage.googleapis.com",
            "google_workflows_": "workflows.googleapis.com",
        },
        "enabled_on_every_project": ["serviceusage.googleapis.com"],
        "used_at_run_time": {
            "sts.googleapis.com": "google-github-actions/auth exchanges the GitHub token (workload identity federation)",
            "iamcredentials.googleapis.com": "google-github-actions/auth impersonates the environment's service account",
            "workflowexecutions.googleapis.com": "Cloud Scheduler starts the reaper workflow's executions",
            "aiplatform.googleapis.com": "managed CD deploys to Vertex AI",
        },
    },
    "azure_role_data_actions": {
        "source": "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles (General, Storage)",
        "roles": {
            "Owner": [],
            "Contributor": [],
            "Reader": [],
            "User Access Administrator": [],
            "Role Based Access Control Administrator": [],
            "Storage Blob Data Reader": [f"{BLOB}/read"],
            "Storage Blob Data Contributor": [
                f"{BLOB}/read",
                f"{BLOB}/write",
                f"{BLOB}/delete",
                f"{BLOB}/add/action",
                f"{BLOB}/move/action",
            ],
            "Storage Blob Data Owner": [f"{BLOB}/*"],
        },
    },
    "azurerm_backend_with_entra_id_needs": {
        "source": "https://developer.hashicorp.com/terraform/language/backend/azurerm (use_azuread_auth: the identity needs blob data roles; locking takes a blob lease)",
        "plan_without_lock": [f"{BLOB}/read"],
        "apply": [f"{BLOB}/read", f"{BLOB}/write"],
    },
}
