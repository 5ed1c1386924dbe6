output "role_arn" {
  description = "ARN of the serving role."
  value       = aws_iam_role.serving.arn
}

output "role_name" {
  description = "Name of the serving role."
  value       = aws_iam_role.serving.name
}

output "service_account_annotations" {
  description = "Annotations for the Kubernetes service account (IRSA); empty with EKS Pod Identity alone, which needs none."
  value       = local.irsa ? { "eks.amazonaws.com/role-arn" = aws_iam_role.serving.arn } : {}
}
