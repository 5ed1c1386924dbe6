output "client_id" {
  description = "Client id of the serving identity."
  value       = azurerm_user_assigned_identity.serving.client_id
}

output "principal_id" {
  description = "Principal id of the serving identity: give it the DVC remote's reader role."
  value       = azurerm_user_assigned_identity.serving.principal_id
}

output "service_account_annotations" {
  description = "Annotations for the Kubernetes service account (its pods also need the label azure.workload.identity/use: \"true\")."
  value       = { "azure.workload.identity/client-id" = azurerm_user_assigned_identity.serving.client_id }
}
