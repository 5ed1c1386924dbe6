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
  description = "Workload Identity pool of the GKE cluster, <project>.svc.id.goog; null for the project's own."
  type        = string
  default     = null
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
