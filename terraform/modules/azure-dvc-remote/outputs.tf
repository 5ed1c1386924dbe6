output "storage_account_name" {
  description = "Name of the storage account (DVC's account_name)."
  value       = azurerm_storage_account.remote.name
}

output "container_name" {
  description = "Name of the container."
  value       = azurerm_storage_container.remote.name
}

output "url" {
  description = "The DVC remote URL, with its path: what .dvc/config names."
  value       = "azure://${azurerm_storage_container.remote.name}${trim(var.path, "/") == "" ? "" : "/${trim(var.path, "/")}"}"
}

output "storage_account_id" {
  description = "Resource id of the storage account."
  value       = azurerm_storage_account.remote.id
}

output "container_id" {
  description = "Resource id of the container (an Azure ML datastore's storage_container_id)."
  value       = azurerm_storage_container.remote.id
}
