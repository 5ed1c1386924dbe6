output "role_arns" {
  description = "ARN of each role, by identity name: what aws-actions/configure-aws-credentials assumes."
  value       = { for name, role in aws_iam_role.github : name => role.arn }
}

output "role_names" {
  description = "Name of each role, by identity name."
  value       = { for name, role in aws_iam_role.github : name => role.name }
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the roles trust."
  value       = local.oidc_provider_arn
}
