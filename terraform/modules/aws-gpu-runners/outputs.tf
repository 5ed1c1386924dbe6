output "labels" {
  description = "Every label of the runners, for runs-on in the training workflow."
  value       = module.runners.runners.labels
}

output "webhook_endpoint" {
  description = "URL to set as the GitHub App's webhook (workflow_job events)."
  value       = module.runners.webhook.endpoint
}

output "launch_template_ami_id" {
  description = "The AMI that the pinned ami_name resolved to."
  value       = module.runners.runners.launch_template_ami_id
}

output "cuda_version" {
  description = "CUDA version the runners enforce; must equal the training image's."
  value       = var.cuda_version
}

output "runner_role_name" {
  description = "IAM role of the runner instances: attach the DVC remote's write policy here."
  value       = module.runners.runners.role_runner.name
}
