locals {
  workload_pool = coalesce(var.workload_pool, "${var.project_id}.svc.id.goog")
}

resource "google_service_account" "serving" {
  project      = var.project_id
  account_id   = var.account_id
  display_name = "Model server: reads the pinned model from the DVC remote"
}

# GKE Workload Identity: exactly these Kubernetes service accounts may act as it.
resource "google_service_account_iam_member" "workload_identity_user" {
  for_each = var.service_accounts

  service_account_id = google_service_account.serving.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.workload_pool}[${each.value.namespace}/${each.value.name}]"
}
