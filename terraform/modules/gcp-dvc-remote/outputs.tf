output "bucket_name" {
  description = "Name of the bucket."
  value       = google_storage_bucket.remote.name
}

output "url" {
  description = "The DVC remote URL."
  value       = "gs://${google_storage_bucket.remote.name}"
}

output "kms_key_id" {
  description = "Id of the key that encrypts the objects."
  value       = google_kms_crypto_key.remote.id
}

output "log_bucket" {
  description = "Bucket that receives the usage logs."
  value       = local.log_bucket
}
