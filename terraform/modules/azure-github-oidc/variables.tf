variable "repository" {
  description = "GitHub repository allowed to use the identities, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.repository))
    error_message = "The repository must look like owner/name."
  }
}

variable "repository_id" {
  description = "Numeric id of the repository (gh api repos/<owner>/<name> --jq .id). With repository_owner_id, the credentials trust the id-based subject repository_owner_id:<id>:repository_id:<id>:environment:<env>; null trusts the name-based one."
  type        = string
  default     = null

  validation {
    condition     = var.repository_id == null || can(regex("^[0-9]+$", var.repository_id))
    error_message = "repository_id is the repository's numeric id."
  }
}

variable "repository_owner_id" {
  description = "Numeric id of the repository's owner (gh api repos/<owner>/<name> --jq .owner.id), or null."
  type        = string
  default     = null

  validation {
    condition     = var.repository_owner_id == null || can(regex("^[0-9]+$", var.repository_owner_id))
    error_message = "repository_owner_id is the owner's numeric id."
  }
}

variable "identities" {
  description = "One user-assigned managed identity per entry. The key names it; environment is the GitHub environment whose jobs may use it; role_assignments grant it roles (role_definition_name on scope), keyed by key, or by role_definition_name when key is null (never by scope: scopes are often ids that exist only after apply); condition, when given, is an ABAC role assignment condition (version 2.0), for example the roles and principal types a Role Based Access Control Administrator may assign."
  type = map(object({
    environment = string
    role_assignments = optional(list(object({
      key                  = optional(string)
      scope                = string
      role_definition_name = string
      condition            = optional(string)
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
