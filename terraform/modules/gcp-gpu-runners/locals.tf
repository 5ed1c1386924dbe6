locals {
  cuda_tag       = "cu${replace(var.cuda_version, ".", "")}"
  runner_labels  = distinct(concat(["self-hosted", "linux", "x64", "gpu", "cuda-${var.cuda_version}", var.prefix], var.extra_labels))
  provisioning   = { spot = "SPOT", on-demand = "STANDARD" }
  role_id_prefix = replace(var.prefix, "-", "_")
  subnetwork     = regex("projects/([^/]+)/regions/([^/]+)/subnetworks/([^/]+)$", var.subnetwork)
  zones          = length(var.zones) > 0 ? var.zones : data.google_compute_zones.available.names
  launcher_condition = join(" || ", [
    "resource.name.startsWith(\"projects/${var.project_id}/global/instanceTemplates/${var.prefix}-\")",
    "(resource.name.startsWith(\"projects/${var.project_id}/zones/\") && resource.name.extract(\"/instances/{name}\").startsWith(\"${var.prefix}-\"))",
    "(resource.name.startsWith(\"projects/${var.project_id}/zones/\") && resource.name.extract(\"/disks/{name}\").startsWith(\"${var.prefix}-\"))",
  ])
}

# The zones of the region that are up, when the caller names none: not every
# region has -a, -b and -c.
data "google_compute_zones" "available" {
  project = var.project_id
  region  = var.region
  status  = "UP"
}
