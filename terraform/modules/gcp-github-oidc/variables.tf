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

variable "repository_id" {
  description = "Numeric id of the repository (gh api repos/<owner>/<name> --jq .id). With repository_owner_id, the provider accepts only tokens whose repository_id and repository_owner_id claims match, and trusts the id-based subject; null trusts names."
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
  description = "One service account per entry. The key names it (letters, digits, dashes; at most 30 characters with the prefix; ids under 6 get a -gh suffix); environment is the GitHub environment whose jobs may impersonate it; workflow_refs, when given, limit it to those job_workflow_ref values (a '*' ends an accepted prefix); project_roles are granted on the project, each with its IAM Condition in project_role_conditions when it has one (for example projectIamAdmin held to iam.googleapis.com/modifiedGrantsByRole)."
  type = map(object({
    environment   = string
    workflow_refs = optional(list(string), [])
    project_roles = optional(list(string), [])
    # IAM Conditions of some of project_roles, by role: title and CEL expression.
    project_role_conditions = optional(map(object({
      title      = string
      expression = string
    })), {})
  }))

  validation {
    condition     = alltrue([for name in keys(var.identities) : can(regex("^[a-z][a-z0-9-]*[a-z0-9]$", name))])
    error_message = "Identity keys are lower-case letters, digits and dashes."
  }
}

variable "name_prefix" {
  description = "Prefix of the service account ids (a lower-case letter, then letters, digits and dashes)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}$", var.name_prefix))
    error_message = "name_prefix is 1 to 21 lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "pool_id" {
  description = "Id of the workload identity pool."
  type        = string
  default     = "github-actions"
}
