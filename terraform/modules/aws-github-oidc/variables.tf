variable "repository" {
  description = "GitHub repository allowed to assume the roles, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.repository))
    error_message = "The repository must look like owner/name."
  }
}

variable "repository_id" {
  description = "Numeric id of the repository (gh api repos/<owner>/<name> --jq .id). With repository_owner_id, the roles trust the id-based subject repository_owner_id:<id>:repository_id:<id>:environment:<env> and check the repository_id claim; null trusts the name-based subject."
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
  description = "One IAM role per entry. The key names the role; environment is the GitHub environment whose jobs may assume it; workflow_refs, when given, also limit it to those job_workflow_ref values (owner/name/.github/workflows/<file>@<ref>, * allowed); managed_policy_arns (ARNs known before apply, such as AWS managed policies) and policy_arns (by a static key, for policies this configuration creates) are attached; inline policies by name; bounded = false leaves the role without permissions_boundary_arn (only for the identity that applies Terraform, which manages IAM and must not be capped by the boundary it hands out)."
  type = map(object({
    environment         = string
    bounded             = optional(bool, true)
    workflow_refs       = optional(list(string), [])
    managed_policy_arns = optional(list(string), [])
    policy_arns         = optional(map(string), {})
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
  description = "Permissions boundary attached to every role whose identity is bounded (the default), or null for none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
