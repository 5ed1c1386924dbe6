resource "azurerm_storage_account" "remote" {
  #checkov:skip=CKV2_AZURE_1:blobs are encrypted at rest with Microsoft-managed keys plus infrastructure encryption; a customer-managed Key Vault key is left to the caller
  #checkov:skip=CKV_AZURE_59:GitHub-hosted and ephemeral runners reach the remote over the internet; access needs Entra ID (shared keys are off)
  #checkov:skip=CKV_AZURE_35:see CKV_AZURE_59: the network default must allow the runners, and every request needs an Entra ID token
  #checkov:skip=CKV2_AZURE_33:no private endpoint, for the same reason as CKV_AZURE_59
  #checkov:skip=CKV_AZURE_33:the account serves blobs only; it has no queues to log
  #checkov:skip=CKV2_AZURE_41:shared keys are disabled, so no SAS can be signed with them
  name                              = var.storage_account_name
  resource_group_name               = var.resource_group_name
  location                          = var.location
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = var.replication_type
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  infrastructure_encryption_enabled = true
  cross_tenant_replication_enabled  = false
  local_user_enabled                = false
  sftp_enabled                      = false
  tags                              = var.tags

  blob_properties {
    versioning_enabled  = true
    change_feed_enabled = true

    delete_retention_policy {
      days = var.soft_delete_retention_days
    }

    container_delete_retention_policy {
      days = var.soft_delete_retention_days
    }
  }

  sas_policy {
    expiration_period = "00.01:00:00"
    expiration_action = "Log"
  }
}

resource "azurerm_storage_container" "remote" {
  #checkov:skip=CKV2_AZURE_21:storage insights would need the account key, which is disabled; the diagnostic setting in logs.tf records blob reads, writes and deletes instead
  name                  = var.container_name
  storage_account_id    = azurerm_storage_account.remote.id
  container_access_type = "private"
}

resource "azurerm_storage_management_policy" "remote" {
  storage_account_id = azurerm_storage_account.remote.id

  rule {
    name    = "dvc-remote"
    enabled = true

    filters {
      blob_types   = ["blockBlob"]
      prefix_match = ["${var.container_name}/"]
    }

    actions {
      base_blob {
        tier_to_cool_after_days_since_modification_greater_than = var.cool_after_days
      }

      version {
        delete_after_days_since_creation = var.noncurrent_version_retention_days
      }
    }
  }

  # Captured inference data grows with traffic: it expires, and its old versions go a day later.
  rule {
    name    = "monitoring"
    enabled = true

    filters {
      blob_types   = ["blockBlob"]
      prefix_match = ["${var.container_name}/${local.prefix}monitoring/"]
    }

    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = var.monitoring_retention_days
      }

      version {
        delete_after_days_since_creation = 1
      }
    }
  }
}

locals {
  blob   = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs"
  prefix = trim(var.path, "/") == "" ? "" : "${trim(var.path, "/")}/"
  # Writers push and pull but cannot delete or move blobs, as on AWS and GCP.
  no_delete = join(" AND ", [for action in ["delete", "move/action"] : "(!(ActionMatches{'${local.blob}/${action}'}))"])
  # Blob reads other than listing names, and blob writes, as condition actions.
  blob_read  = "(ActionMatches{'${local.blob}/read'} AND NOT SubOperationMatches{'Blob.List'})"
  blob_write = "(ActionMatches{'${local.blob}/write'} OR ActionMatches{'${local.blob}/add/action'})"
  path       = "@Resource[${local.blob}:path]"
  # The drift monitor reads the pinned data and the captured traffic (and the
  # name "monitoring", which adlfs looks up before it lists), pushes DVC objects.
  monitor_reads     = "${local.path} StringStartsWith '${local.prefix}files/md5/' OR ${local.path} StringStartsWith '${local.prefix}monitoring/' OR ${local.path} StringEquals '${local.prefix}monitoring'"
  monitor_condition = "((!${local.blob_read}) OR (${local.monitor_reads})) AND ((!${local.blob_write}) OR (${local.path} StringStartsWith '${local.prefix}files/md5/')) AND ${local.no_delete}"
}

# Keyed by the callers' static names: principal ids of identities created in
# the same apply are unknown at plan, and for_each keys must be known.
resource "azurerm_role_assignment" "writer" {
  for_each = var.writer_principal_ids

  scope                = azurerm_storage_container.remote.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = each.value
  principal_type       = "ServicePrincipal"
  condition_version    = "2.0"
  condition            = "(${local.no_delete})"
}

resource "azurerm_role_assignment" "reader" {
  for_each = var.reader_principal_ids

  scope                = azurerm_storage_container.remote.id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = each.value
  principal_type       = "ServicePrincipal"
}

# Readers of one folder of the remote (the model server): they list blob names
# and read blobs under that folder alone.
resource "azurerm_role_assignment" "folder_reader" {
  for_each = var.folder_reader_principal_ids

  scope                = azurerm_storage_container.remote.id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = each.value.principal_id
  principal_type       = "ServicePrincipal"
  condition_version    = "2.0"
  condition = join("", [
    "((!(ActionMatches{'${local.blob}/read'} AND NOT SubOperationMatches{'Blob.List'})) OR ",
    "(@Resource[${local.blob}:path] StringStartsWith '${local.prefix}${trim(each.value.folder, "/")}/'))",
  ])
}

# The drift monitor: lists names, reads files/md5/ and monitoring/, pushes to
# files/md5/; never deletes or moves a blob.
resource "azurerm_role_assignment" "monitor" {
  for_each = var.monitor_principal_ids

  scope                = azurerm_storage_container.remote.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = each.value
  principal_type       = "ServicePrincipal"
  condition_version    = "2.0"
  condition            = local.monitor_condition
}

# Writers of one folder (a capture sink such as Azure ML's data collector): they
# list names, and read and write blobs under that folder alone; no deletes.
resource "azurerm_role_assignment" "folder_writer" {
  for_each = var.folder_writer_principal_ids

  scope                = azurerm_storage_container.remote.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = each.value.principal_id
  principal_type       = "ServicePrincipal"
  condition_version    = "2.0"
  condition            = "((!${local.blob_read}) OR (${local.path} StringStartsWith '${local.prefix}${trim(each.value.folder, "/")}/')) AND ((!${local.blob_write}) OR (${local.path} StringStartsWith '${local.prefix}${trim(each.value.folder, "/")}/')) AND ${local.no_delete}"
}
