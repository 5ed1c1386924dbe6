output "client_ids" {
  description = "Client id of each identity, by name, for azure/login's client-id."
  value       = { for name, identity in azurerm_user_assigned_identity.github : name => identity.client_id }
}

output "principal_ids" {
  description = "Object (principal) id of each identity, by name, for role assignments elsewhere."
  value       = { for name, identity in azurerm_user_assigned_identity.github : name => identity.principal_id }
}

output "tenant_id" {
  description = "Tenant of the identities, for azure/login's tenant-id."
  value       = data.azurerm_client_config.current.tenant_id
}

output "subscription_id" {
  description = "Subscription of the identities, for azure/login's subscription-id."
  value       = data.azurerm_client_config.current.subscription_id
}
