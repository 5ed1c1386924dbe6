variable "repository" {
  description = "Name of the repository (without the owner, which the github provider's owner names)."
  type        = string
}

variable "environments" {
  description = "GitHub environments by name. branches: the deployment branches allowed to use it (fnmatch patterns; empty for any branch, for environments that pull requests use); reviewers: user and team ids whose approval a job waits for; variables: the environment's Actions variables."
  type = map(object({
    branches = optional(list(string), ["main"])
    reviewers = optional(object({
      users = optional(list(number), [])
      teams = optional(list(number), [])
    }), null)
    prevent_self_review = optional(bool, true)
    variables           = optional(map(string), {})
  }))

  validation {
    condition = alltrue([
      for environment in values(var.environments) :
      environment.reviewers == null || length(concat(try(environment.reviewers.users, []), try(environment.reviewers.teams, []))) > 0
    ])
    error_message = "An environment with reviewers names at least one user or team."
  }
}

variable "repository_variables" {
  description = "Repository-level Actions variables (names and values; never secrets)."
  type        = map(string)
  default     = {}
}

variable "oidc_subject_claims" {
  description = "Claims of the repository's OIDC subject template. The default names the repository by its immutable ids, which the cloud identities trust when given repository_id and repository_owner_id; null keeps GitHub's default repo:<owner>/<name>:... subject."
  type        = list(string)
  default     = ["repository_owner_id", "repository_id", "context"]
}
