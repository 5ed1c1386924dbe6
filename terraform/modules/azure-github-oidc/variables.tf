variable "repository" {
  description = "GitHub repository allowed to use the identities, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.repository))
    error_message = "The repository must look like owner/name."
  }
}

variable "identities" {
  description = "One user-assigned managed identity per entry. The key names it; environment is the GitHub environment whose jobs may use it; role_assignments grant it roles (role_definition_name on scope)."
  type = map(object({
    environment = string
    role_assignments = optional(list(object({
      scope                = string
      role_definition_name = string
    })), [])
  }))
}

variable "name_prefix" {
  description = "Prefix of the identity names."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the identities."
  type        = string
}

variable "location" {
  description = "Azure region of the identities."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
