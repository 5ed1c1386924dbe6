output "environments" {
  description = "Names of the environments this module manages."
  value       = sort([for environment in github_repository_environment.this : environment.environment])
}

output "oidc_subject_claims" {
  description = "Claims of the repository's OIDC subject template, or null for GitHub's default."
  value       = var.oidc_subject_claims
}
