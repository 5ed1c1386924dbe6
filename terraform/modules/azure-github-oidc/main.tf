data "azurerm_client_config" "current" {}

locals {
  role_assignments = merge([
    for name, identity in var.identities : {
      for assignment in identity.role_assignments :
      "${name}|${assignment.role_definition_name}|${assignment.scope}" => merge(assignment, { identity = name })
    }
  ]...)
}

resource "azurerm_user_assigned_identity" "github" {
  for_each = var.identities

  name                = "${var.name_prefix}-${each.key}"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

resource "azurerm_federated_identity_credential" "github" {
  for_each = var.identities

  name                      = "github-${each.value.environment}"
  user_assigned_identity_id = azurerm_user_assigned_identity.github[each.key].id
  audience                  = ["api://AzureADTokenExchange"]
  issuer                    = "https://token.actions.githubusercontent.com"
  subject                   = "repo:${var.repository}:environment:${each.value.environment}"
}

resource "azurerm_role_assignment" "github" {
  for_each = local.role_assignments

  scope                = each.value.scope
  role_definition_name = each.value.role_definition_name
  principal_id         = azurerm_user_assigned_identity.github[each.value.identity].principal_id
  principal_type       = "ServicePrincipal"
}
