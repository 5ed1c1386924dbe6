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

output "iam_path" {
  description = "IAM path of the roles, instance profile and policies the runner module creates, each named <prefix>-..."
  value       = local.iam_path
}

output "ssm_parameter_paths" {
  description = "SSM folders of the runners: terraform (String parameters that Terraform writes and a plan refreshes) and secret (the runners' JIT configurations, SecureString, written by the scale-up lambda; and the module's own GitHub App folder). No plan needs to read a secret one."
  value = {
    terraform = ["/${var.prefix}/runner", "${local.ssm_root}/runners/config", "${local.ssm_root}/webhook"]
    secret    = ["${local.ssm_root}/runners/tokens", "${local.ssm_root}/app"]
  }
}
