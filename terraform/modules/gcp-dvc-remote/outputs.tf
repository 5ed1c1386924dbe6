output "bucket_name" {
  description = "Name of the bucket."
  value       = google_storage_bucket.remote.name
}

output "url" {
  description = "The DVC remote URL, with its path: what .dvc/config names."
  value       = "gs://${google_storage_bucket.remote.name}${local.prefix == "" ? "" : "/${trimsuffix(local.prefix, "/")}"}"
}

output "kms_key_id" {
  description = "Id of the key that encrypts the objects."
  value       = google_kms_crypto_key.remote.id
}

output "log_bucket" {
  description = "Bucket that receives the usage logs."
  value       = local.log_bucket
}
