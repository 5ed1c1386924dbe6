output "bucket_name" {
  description = "Name of the bucket: the DVC remote is s3://<bucket_name>."
  value       = aws_s3_bucket.remote.id
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.remote.arn
}

output "url" {
  description = "The DVC remote URL, with its path: what .dvc/config names."
  value       = "s3://${aws_s3_bucket.remote.id}${local.prefix == "" ? "" : "/${trimsuffix(local.prefix, "/")}"}"
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the objects."
  value       = aws_kms_key.remote.arn
}

output "read_policy_arn" {
  description = "IAM policy that allows pulling (list, get, decrypt)."
  value       = aws_iam_policy.read.arn
}

output "write_policy_arn" {
  description = "IAM policy that allows pushing and pulling, without deletes."
  value       = aws_iam_policy.write.arn
}

output "publish_policy_arn" {
  description = "IAM policy that allows reading pinned models and writing serving copies under <path>/serving/."
  value       = aws_iam_policy.publish.arn
}

output "access_log_bucket" {
  description = "Bucket that receives the access logs."
  value       = local.log_bucket
}

output "monitor_policy_arn" {
  description = "IAM policy of the drift monitor: read <path>/monitoring/ and <path>/files/md5/, push to <path>/files/md5/."
  value       = aws_iam_policy.monitor.arn
}

output "prefix" {
  description = "The remote's folder in the bucket with a trailing slash, or empty: object keys start with it."
  value       = local.prefix
}

output "folder_write_policy_arns" {
  description = "IAM policy of each folder_writers entry, by its key: add objects under that folder only."
  value       = { for key, policy in aws_iam_policy.folder_write : key => policy.arn }
}
