output "instance_templates" {
  description = "Instance template self links by capacity (spot, on-demand). The launcher tries spot first and falls back to on-demand."
  value       = { for capacity, template in google_compute_instance_template.runner : capacity => template.self_link }
}

output "zones" {
  description = "Zones where the launcher may create runners, in order of preference."
  value       = local.zones
}

output "labels" {
  description = "Every label a runner registers with, for runs-on in the training workflow and for the just-in-time configuration."
  value       = local.runner_labels
}

output "cuda_version" {
  description = "CUDA version of the image; must equal the training image's."
  value       = var.cuda_version
}

output "runner_service_account_email" {
  description = "Service account of the runner VMs (logs and metrics only). Grant it no data access: jobs reach the DVC remote through their GitHub environment's identity."
  value       = google_service_account.runner.email
}

output "runner_name_prefix" {
  description = "Name prefix of the runner VMs: the launcher may create VMs (and their boot disks) with this prefix only, so the launching workflow names its VMs <runner_name_prefix><unique suffix>."
  value       = local.runner_name_prefix
}

output "project_roles" {
  description = "Roles this module grants on the project (its custom roles and predefined ones): what an identity that applies it must be allowed to grant."
  value       = local.project_roles
}

output "launcher_role" {
  description = "Custom role that lets an identity create runners."
  value       = google_project_iam_custom_role.launcher.id
}

output "reaper_workflow" {
  description = "Id of the reaper workflow."
  value       = google_workflows_workflow.reaper.id
}
