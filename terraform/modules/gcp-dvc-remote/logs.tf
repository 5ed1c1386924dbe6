resource "google_storage_bucket" "logs" {
  #checkov:skip=CKV_GCP_62:this is the log bucket itself; logging it into itself would loop
  count = local.create_log_bucket ? 1 : 0

  project                     = var.project_id
  name                        = "${var.bucket_name}-logs"
  location                    = upper(var.location)
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = var.labels

  versioning {
    enabled = true
  }

  encryption {
    default_kms_key_name = google_kms_crypto_key.remote.id
  }

  lifecycle_rule {
    condition {
      age = 365
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 30
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.gcs]
}

resource "google_storage_bucket_iam_member" "log_writer" {
  count = local.create_log_bucket ? 1 : 0

  bucket = google_storage_bucket.logs[0].name
  role   = "roles/storage.objectCreator"
  member = "group:cloud-storage-analytics@google.com"
}
