locals {
  create_log_bucket = var.log_bucket == null
  log_bucket        = local.create_log_bucket ? google_storage_bucket.logs[0].name : var.log_bucket
  reader_bindings = merge(
    { for member in var.reader_members : "objectViewer|${member}" => { role = "roles/storage.objectViewer", member = member } },
    { for member in var.reader_members : "legacyBucketReader|${member}" => { role = "roles/storage.legacyBucketReader", member = member } },
  )
  writer_bindings = merge(
    { for member in var.writer_members : "objectViewer|${member}" => { role = "roles/storage.objectViewer", member = member } },
    { for member in var.writer_members : "objectCreator|${member}" => { role = "roles/storage.objectCreator", member = member } },
    { for member in var.writer_members : "legacyBucketReader|${member}" => { role = "roles/storage.legacyBucketReader", member = member } },
  )
}

data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

resource "google_kms_key_ring" "remote" {
  project  = var.project_id
  name     = var.bucket_name
  location = lower(var.location)
}

resource "google_kms_crypto_key" "remote" {
  name            = "dvc-remote"
  key_ring        = google_kms_key_ring.remote.id
  rotation_period = var.key_rotation_period

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "gcs" {
  crypto_key_id = google_kms_crypto_key.remote.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_storage_bucket" "remote" {
  project                     = var.project_id
  name                        = var.bucket_name
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

  logging {
    log_bucket        = local.log_bucket
    log_object_prefix = "gcs/${var.bucket_name}"
  }

  lifecycle_rule {
    condition {
      age        = var.nearline_after_days
      with_state = "LIVE"
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_version_retention_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 7
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.gcs]
}

resource "google_storage_bucket_iam_member" "writer" {
  for_each = local.writer_bindings

  bucket = google_storage_bucket.remote.name
  role   = each.value.role
  member = each.value.member
}

resource "google_storage_bucket_iam_member" "reader" {
  for_each = local.reader_bindings

  bucket = google_storage_bucket.remote.name
  role   = each.value.role
  member = each.value.member
}
