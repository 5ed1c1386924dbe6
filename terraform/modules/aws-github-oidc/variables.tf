variable "repository" {
  description = "GitHub repository allowed to assume the roles, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.repository))
    error_message = "The repository must look like owner/name."
  }
}

variable "identities" {
  description = "One IAM role per entry. The key names the role; environment is the GitHub environment whose jobs may assume it; the policies are attached to it."
  type = map(object({
    environment         = string
    managed_policy_arns = optional(list(string), [])
    inline_policies     = optional(map(string), {})
  }))

  validation {
    condition     = alltrue([for identity in values(var.identities) : can(regex("^[A-Za-z0-9_.-]+$", identity.environment))])
    error_message = "Every identity needs a GitHub environment name (letters, digits, '.', '_' and '-')."
  }
}

variable "name_prefix" {
  description = "Prefix of every role name."
  type        = string
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. Set false when the account already has one and pass its ARN in oidc_provider_arn."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing token.actions.githubusercontent.com OIDC provider; used when create_oidc_provider is false."
  type        = string
  default     = null
}

variable "max_session_duration" {
  description = "Longest session, in seconds, that a workflow gets from a role."
  type        = number
  default     = 3600
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to every role, or null for none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
