output "workload_identity_provider" {
  description = "Full name of the provider, for google-github-actions/auth's workload_identity_provider."
  value       = google_iam_workload_identity_pool_provider.github.name
}

output "service_account_emails" {
  description = "Email of each service account, by identity name, for google-github-actions/auth's service_account."
  value       = { for name, account in google_service_account.github : name => account.email }
}

output "service_account_members" {
  description = "IAM member string of each service account, by identity name."
  value       = { for name, account in google_service_account.github : name => "serviceAccount:${account.email}" }
}
