variable "project_id" {
  description = "Project that holds the workload identity pool and the service accounts."
  type        = string
}

variable "repository" {
  description = "GitHub repository allowed to impersonate the service accounts, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.repository))
    error_message = "The repository must look like owner/name."
  }
}

variable "identities" {
  description = "One service account per entry. The key names it (letters, digits, dashes; at most 30 characters with the prefix); environment is the GitHub environment whose jobs may impersonate it; project_roles are granted on the project."
  type = map(object({
    environment   = string
    project_roles = optional(list(string), [])
  }))
}

variable "name_prefix" {
  description = "Prefix of the service account ids."
  type        = string
}

variable "pool_id" {
  description = "Id of the workload identity pool."
  type        = string
  default     = "github-actions"
}
