resource "azurerm_user_assigned_identity" "serving" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

# Azure Workload Identity: the cluster's tokens of exactly these service accounts.
resource "azurerm_federated_identity_credential" "serving" {
  for_each = var.service_accounts

  name                      = "kubernetes-${each.key}"
  user_assigned_identity_id = azurerm_user_assigned_identity.serving.id
  audience                  = ["api://AzureADTokenExchange"]
  issuer                    = var.oidc_issuer_url
  subject                   = "system:serviceaccount:${each.value.namespace}:${each.value.name}"
}
