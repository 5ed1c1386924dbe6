resource "azurerm_container_registry" "serving" {
  #checkov:skip=CKV_AZURE_139:GitHub-hosted runners push and the cluster or Azure ML pulls over the public endpoint; every request needs Entra ID (admin user and anonymous pull are off)
  #checkov:skip=CKV_AZURE_165:one region serves the image; geo-replication is a cost decision left to the caller
  #checkov:skip=CKV_AZURE_166:quarantine holds every pushed image until a scanner releases it, and none is configured; the image is built from hash-locked requirements and pinned by digest
  #checkov:skip=CKV_AZURE_164:Docker Content Trust is being retired by Azure; images are pinned by digest instead
  #checkov:skip=CKV_AZURE_233:zone redundancy is not offered in every region; it is left to the caller
  #checkov:skip=CKV_AZURE_163:image scanning is Microsoft Defender for Containers, a subscription plan outside this module
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  # Premium: retention of untagged manifests and dedicated data endpoints.
  sku = "Premium"
  # Entra ID only: no admin password, no anonymous pull.
  admin_enabled          = false
  anonymous_pull_enabled = false
  data_endpoint_enabled  = true
  # ACR's retention deletes untagged manifests only; a tagged image stays until someone
  # deletes it. An image a deploy pin names keeps its commit tag (serve-image.yml never
  # pushes a commit's tag twice, which would move it to another digest) and is tagged
  # pinned-<digest hex> too, as on the other clouds.
  retention_policy_in_days = var.untagged_retention_days
  tags                     = var.tags
}

# The registry holds the serving image alone, so AcrPush here pushes that image
# and nothing of any other registry; AcrPush has no delete.
resource "azurerm_role_assignment" "pusher" {
  for_each = var.pusher_principal_ids

  scope                = azurerm_container_registry.serving.id
  role_definition_name = "AcrPush"
  principal_id         = each.value
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "puller" {
  for_each = var.puller_principal_ids

  scope                = azurerm_container_registry.serving.id
  role_definition_name = "AcrPull"
  principal_id         = each.value
  principal_type       = "ServicePrincipal"
}
