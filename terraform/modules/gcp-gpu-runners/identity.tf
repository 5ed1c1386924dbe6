resource "google_service_account" "runner" {
  project      = var.project_id
  account_id   = "${var.prefix}-runner"
  display_name = "mlrig GPU runner (${var.prefix})"
}

resource "google_project_iam_member" "runner" {
  for_each = toset(["roles/logging.logWriter", "roles/monitoring.metricWriter"])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.runner.email}"
}

resource "google_project_iam_custom_role" "launcher" {
  project     = var.project_id
  role_id     = "${local.role_id_prefix}_runner_launcher"
  title       = "mlrig runner launcher (${var.prefix})"
  description = "Create ephemeral GPU runners from the instance templates"
  permissions = [
    "compute.disks.create",
    "compute.instanceTemplates.get",
    "compute.instanceTemplates.useReadOnly",
    "compute.instances.create",
    "compute.instances.get",
    "compute.instances.setLabels",
    "compute.instances.setMetadata",
    "compute.instances.setServiceAccount",
    "compute.subnetworks.use",
    "compute.zoneOperations.get",
  ]
}

resource "google_project_iam_member" "launcher" {
  for_each = toset(var.launcher_members)

  project = var.project_id
  role    = google_project_iam_custom_role.launcher.id
  member  = each.value
}

resource "google_service_account_iam_member" "launcher_uses_runner" {
  for_each = toset(var.launcher_members)

  service_account_id = google_service_account.runner.name
  role               = "roles/iam.serviceAccountUser"
  member             = each.value
}
