output "repository_url" {
  description = "The image's repository, <account>.dkr.ecr.<region>.amazonaws.com/<name>: the repository variable SERVING_IMAGE_REPOSITORY."
  value       = aws_ecr_repository.serving.repository_url
}

output "repository_arn" {
  description = "ARN of the ECR repository."
  value       = aws_ecr_repository.serving.arn
}

output "pull_policy_arn" {
  description = "IAM policy that allows pulling the serving image (and signing in to ECR)."
  value       = aws_iam_policy.pull.arn
}

output "push_policy_arn" {
  description = "IAM policy that allows pushing to (and pulling from) this repository only, without deletes."
  value       = aws_iam_policy.push.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the images."
  value       = aws_kms_key.registry.arn
}
