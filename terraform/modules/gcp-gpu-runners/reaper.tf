resource "google_service_account" "reaper" {
  project      = var.project_id
  account_id   = "${var.prefix}-reaper"
  display_name = "mlrig GPU runner reaper (${var.prefix})"
}

resource "google_project_iam_custom_role" "reaper" {
  project     = var.project_id
  role_id     = "${local.role_id_prefix}_runner_reaper"
  title       = "mlrig runner reaper (${var.prefix})"
  description = "List runner VMs and delete leftovers"
  permissions = [
    "compute.instances.delete",
    "compute.instances.list",
    "compute.zoneOperations.get",
  ]
}

resource "google_project_iam_member" "reaper" {
  # Static keys: the custom role's id exists only after the first apply.
  for_each = {
    reaper  = google_project_iam_custom_role.reaper.id
    invoker = "roles/workflows.invoker"
    logs    = "roles/logging.logWriter"
  }

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.reaper.email}"
}

resource "google_workflows_workflow" "reaper" {
  project         = var.project_id
  name            = "${var.prefix}-runner-reaper"
  region          = var.region
  description     = "Delete stopped mlrig runners and runners older than ${var.max_lifetime_minutes} minutes"
  service_account = google_service_account.reaper.id
  call_log_level  = "LOG_ERRORS_ONLY"
  source_contents = file("${path.module}/reaper.workflows.yaml")
  # The provider's default (true) would block replacing it when prefix changes.
  deletion_protection = false

  user_env_vars = {
    RUNNER_LABEL    = var.prefix
    MAX_AGE_SECONDS = tostring(var.max_lifetime_minutes * 60 + 600)
  }
}

resource "google_cloud_scheduler_job" "reaper" {
  project     = var.project_id
  name        = "${var.prefix}-runner-reaper"
  region      = var.region
  description = "Run the mlrig runner reaper"
  schedule    = var.reaper_schedule
  time_zone   = "Etc/UTC"

  http_target {
    http_method = "POST"
    uri         = "https://workflowexecutions.googleapis.com/v1/${google_workflows_workflow.reaper.id}/executions"
    body        = base64encode("{}")

    oauth_token {
      service_account_email = google_service_account.reaper.email
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }
}
