locals {
  cuda_tag       = "cu${replace(var.cuda_version, ".", "")}"
  runner_labels  = distinct(concat(["self-hosted", "linux", "x64", "gpu", "cuda-${var.cuda_version}", var.prefix], var.extra_labels))
  provisioning   = { spot = "SPOT", on-demand = "STANDARD" }
  role_id_prefix = replace(var.prefix, "-", "_")
  subnetwork     = regex("projects/([^/]+)/regions/([^/]+)/subnetworks/([^/]+)$", var.subnetwork)
  zones          = length(var.zones) > 0 ? var.zones : data.google_compute_zones.available.names
  # The one name prefix of runner VMs (and of their boot disks, which take the
  # VM's name): the launcher's condition allows it, and the ct workflow names
  # its VMs from the repository variable GPU_RUNNER_NAME_PREFIX (runner_name_prefix).
  runner_name_prefix = "${var.prefix}-ct-"
  launcher_condition = join(" || ", [
    "resource.name.startsWith(\"projects/${var.project_id}/global/instanceTemplates/${var.prefix}-\")",
    "(resource.name.startsWith(\"projects/${var.project_id}/zones/\") && resource.name.extract(\"/instances/{name}\").startsWith(\"${local.runner_name_prefix}\"))",
    "(resource.name.startsWith(\"projects/${var.project_id}/zones/\") && resource.name.extract(\"/disks/{name}\").startsWith(\"${local.runner_name_prefix}\"))",
  ])
  # What this module grants on the project, for an identity allowed to grant only these.
  project_roles = [
    google_project_iam_custom_role.launcher.id,
    google_project_iam_custom_role.operations.id,
    google_project_iam_custom_role.reaper.id,
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/workflows.invoker",
  ]
}

# The zones of the region that are up, when the caller names none: not every
# region has -a, -b and -c.
data "google_compute_zones" "available" {
  project = var.project_id
  region  = var.region
  status  = "UP"
}
