resource "google_service_account" "runner" {
  project      = var.project_id
  account_id   = "${var.prefix}-runner"
  display_name = "mlrig GPU runner (${var.prefix})"
}

# Logs and metrics only: jobs reach the DVC remote through the OIDC identity of
# their GitHub environment (training), never through the VM's service account.
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
  ]
}

# The launcher may act only on the runner templates and on VMs and disks whose
# names start with the prefix: it cannot create other VMs or change the
# startup script of any other VM in the project.
resource "google_project_iam_member" "launcher" {
  for_each = var.launcher_members

  project = var.project_id
  role    = google_project_iam_custom_role.launcher.id
  member  = each.value

  condition {
    title       = "mlrig-runners-only"
    description = "Runner templates, and VMs and disks named ${var.prefix}-*"
    expression  = local.launcher_condition
  }
}

resource "google_project_iam_custom_role" "operations" {
  project     = var.project_id
  role_id     = "${local.role_id_prefix}_runner_operations"
  title       = "mlrig runner launch status (${var.prefix})"
  description = "Follow the zone operations that creating a runner starts"
  permissions = ["compute.zoneOperations.get"]
}

resource "google_project_iam_member" "operations" {
  for_each = var.launcher_members

  project = var.project_id
  role    = google_project_iam_custom_role.operations.id
  member  = each.value
}

resource "google_compute_subnetwork_iam_member" "launcher" {
  for_each = var.launcher_members

  project    = local.subnetwork[0]
  region     = local.subnetwork[1]
  subnetwork = local.subnetwork[2]
  role       = "roles/compute.networkUser"
  member     = each.value
}

resource "google_service_account_iam_member" "launcher_uses_runner" {
  for_each = var.launcher_members

  service_account_id = google_service_account.runner.name
  role               = "roles/iam.serviceAccountUser"
  member             = each.value
}
