resource "google_service_account" "serving" {
  project      = var.project_id
  account_id   = var.account_id
  display_name = var.description
}

# GKE Workload Identity: exactly these Kubernetes service accounts may act as it.
# The pool exists once a GKE cluster with Workload Identity does; callers create
# this module only then (the generated root waits for gke_workload_pool).
resource "google_service_account_iam_member" "workload_identity_user" {
  for_each = var.service_accounts

  service_account_id = google_service_account.serving.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.workload_pool}[${each.value.namespace}/${each.value.name}]"
}
