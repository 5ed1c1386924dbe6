locals {
  create_workspace = var.log_analytics_workspace_id == null
  workspace_id     = local.create_workspace ? azurerm_log_analytics_workspace.remote[0].id : var.log_analytics_workspace_id
}

resource "azurerm_log_analytics_workspace" "remote" {
  count = local.create_workspace ? 1 : 0

  name                = "${var.storage_account_name}-logs"
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = var.tags
}

resource "azurerm_monitor_diagnostic_setting" "blob" {
  name                       = "dvc-remote-blob-access"
  target_resource_id         = "${azurerm_storage_account.remote.id}/blobServices/default"
  log_analytics_workspace_id = local.workspace_id

  enabled_log {
    category = "StorageRead"
  }

  enabled_log {
    category = "StorageWrite"
  }

  enabled_log {
    category = "StorageDelete"
  }
}
