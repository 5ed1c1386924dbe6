variable "project_id" {
  description = "Project of the service account."
  type        = string
}

variable "account_id" {
  description = "Id of the Google service account the model server impersonates (6 to 30 lower-case letters, digits and dashes)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.account_id))
    error_message = "account_id is 6 to 30 lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "workload_pool" {
  description = "Workload Identity pool of the GKE cluster, <cluster project>.svc.id.goog. It exists only once a cluster with Workload Identity does: binding to it earlier fails the apply, so create this module after the cluster."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]\\.svc\\.id\\.goog$", var.workload_pool))
    error_message = "workload_pool is <project id>.svc.id.goog."
  }
}

variable "service_accounts" {
  description = "Kubernetes service accounts (namespace and name) allowed to impersonate it, by a static key."
  type = map(object({
    namespace = string
    name      = string
  }))

  validation {
    condition     = length(var.service_accounts) > 0
    error_message = "Name at least one service account."
  }
}

variable "description" {
  description = "What the identity is for, as its display name shows it (the same module makes the capture sink's writer)."
  type        = string
  default     = "Model server: reads the pinned model from the DVC remote"
}
