variable "name" {
  description = "Name of the IAM role the model server uses."
  type        = string
}

variable "service_accounts" {
  description = "Kubernetes service accounts (namespace and name) allowed to use the role, by a static key."
  type = map(object({
    namespace = string
    name      = string
  }))

  validation {
    condition     = length(var.service_accounts) > 0
    error_message = "Name at least one service account."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the EKS cluster's IAM OIDC provider, for IRSA; null when only EKS Pod Identity is used."
  type        = string
  default     = null
}

variable "oidc_issuer" {
  description = "The cluster's OIDC issuer without https:// (oidc.eks.<region>.amazonaws.com/id/<id>), for IRSA."
  type        = string
  default     = null
}

variable "pod_identity_cluster_name" {
  description = "EKS cluster whose Pod Identity agent gets the role for each service account, or null for IRSA only."
  type        = string
  default     = null
}

variable "policy_arns" {
  description = "Policies attached to the role, by a static key (for example the DVC remote's read policy)."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the role, or null for none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "description" {
  description = "What the identity is for, as its description shows it (the same module makes the capture sink's writer)."
  type        = string
  default     = "Model server: reads the pinned model from the DVC remote"
}
