variable "name" {
  description = "Name of the user-assigned managed identity the model server uses."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the identity."
  type        = string
}

variable "location" {
  description = "Azure region of the identity."
  type        = string
}

variable "oidc_issuer_url" {
  description = "The AKS cluster's OIDC issuer URL (azurerm_kubernetes_cluster.oidc_issuer_url; the cluster needs oidc_issuer_enabled and workload_identity_enabled)."
  type        = string

  validation {
    condition     = startswith(var.oidc_issuer_url, "https://")
    error_message = "oidc_issuer_url is an https:// URL."
  }
}

variable "service_accounts" {
  description = "Kubernetes service accounts (namespace and name) allowed to sign in as the identity, by a static key: one federated credential each."
  type = map(object({
    namespace = string
    name      = string
  }))

  validation {
    condition     = length(var.service_accounts) > 0
    error_message = "Name at least one service account."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
