output "email" {
  description = "Email of the serving service account."
  value       = google_service_account.serving.email
}

output "member" {
  description = "IAM member string of the serving service account: give it the DVC remote's reader role."
  value       = "serviceAccount:${google_service_account.serving.email}"
}

output "service_account_annotations" {
  description = "Annotations for the Kubernetes service account."
  value       = { "iam.gke.io/gcp-service-account" = google_service_account.serving.email }
}
