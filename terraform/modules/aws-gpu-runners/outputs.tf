output "labels" {
  description = "Every label of the runners, for runs-on in the training workflow."
  value       = module.runners.runners.labels
}

output "webhook_endpoint" {
  description = "URL to set as the GitHub App's webhook (workflow_job events)."
  value       = module.runners.webhook.endpoint
}

output "launch_template_ami_id" {
  description = "The launch template's image_id: a resolve:ssm: reference to ami_ssm_parameter_arn, which EC2 resolves to ami_id at launch."
  value       = module.runners.runners.launch_template_ami_id
}

output "ami_id" {
  description = "The AMI that the pinned ami_name resolved to (deprecated images included)."
  value       = data.aws_ami.gpu.id
}

output "ami_ssm_parameter_arn" {
  description = "SSM parameter holding ami_id, which the runners' launch template reads."
  value       = aws_ssm_parameter.ami.arn
}

output "cuda_version" {
  description = "CUDA version the runners enforce; must equal the training image's."
  value       = var.cuda_version
}

output "runner_role_name" {
  description = "IAM role of the runner instances. Give it no data access: jobs reach the DVC remote through the OIDC role of their GitHub environment."
  value       = module.runners.runners.role_runner[0].name
}
