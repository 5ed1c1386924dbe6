data "azurerm_client_config" "current" {}

locals {
  by_id = var.repository_id != null && var.repository_owner_id != null
  # Azure matches the subject exactly: by the repository's immutable ids once
  # github-environments set the repository's OIDC subject template, else by name.
  subject = {
    for name, identity in var.identities : name => (
      local.by_id
      ? "repository_owner_id:${var.repository_owner_id}:repository_id:${var.repository_id}:environment:${identity.environment}"
      : "repo:${var.repository}:environment:${identity.environment}"
    )
  }
  role_assignments = merge([
    for name, identity in var.identities : {
      for assignment in identity.role_assignments :
      "${name}|${coalesce(assignment.key, assignment.role_definition_name)}" => merge(assignment, { identity = name })
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
  subject                   = local.subject[each.key]
}

resource "azurerm_role_assignment" "github" {
  for_each = local.role_assignments

  scope                = each.value.scope
  role_definition_name = each.value.role_definition_name
  principal_id         = azurerm_user_assigned_identity.github[each.value.identity].principal_id
  principal_type       = "ServicePrincipal"
  condition            = each.value.condition
  condition_version    = each.value.condition == null ? null : "2.0"
}
