locals {
  prefix            = var.path == "" ? "" : "${trim(var.path, "/")}/"
  objects           = "projects/_/buckets/${var.bucket_name}/objects/"
  create_log_bucket = var.log_bucket == null
  log_bucket        = local.create_log_bucket ? google_storage_bucket.logs[0].name : var.log_bucket
  # Keyed by the callers' static names: members are often service-account emails
  # that exist only after the first apply, and for_each keys must be known at plan.
  readers = var.reader_members
  # Object reads held to folders: managed CD reads pinned models; the drift
  # monitor reads the pinned data and the captured traffic (and "monitoring"
  # itself, which gcsfs looks up before it lists the folder).
  pinned_models     = "resource.name.startsWith(\"${local.objects}${local.prefix}files/md5/\")"
  monitor_reads     = "${local.pinned_models} || resource.name.startsWith(\"${local.objects}${local.prefix}monitoring/\") || resource.name == \"${local.objects}${local.prefix}monitoring\""
  publisher_reads   = local.pinned_models
  monitor_push_only = local.pinned_models
  scoped_readers = merge(
    { for name, member in var.publisher_members : "publisher|${name}" => { member = member, title = "pinned-models-only", expression = local.publisher_reads } },
    { for name, member in var.monitor_members : "monitor|${name}" => { member = member, title = "pinned-data-and-capture-only", expression = local.monitor_reads } },
  )
  monitor_exports = merge([
    for name, member in var.monitor_members : {
      for folder in var.monitor_export_folders : "${name}|${folder}" => { member = member, folder = trim(folder, "/") }
    }
  ]...)
  reader_bindings = merge(
    { for name, member in local.readers : "objectViewer|${name}" => { role = "roles/storage.objectViewer", member = member } },
    { for name, member in local.readers : "legacyBucketReader|${name}" => { role = "roles/storage.legacyBucketReader", member = member } },
  )
  writer_bindings = merge(
    { for name, member in var.writer_members : "objectViewer|${name}" => { role = "roles/storage.objectViewer", member = member } },
    { for name, member in var.writer_members : "objectCreator|${name}" => { role = "roles/storage.objectCreator", member = member } },
    { for name, member in var.writer_members : "legacyBucketReader|${name}" => { role = "roles/storage.legacyBucketReader", member = member } },
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

  # Captured inference data grows with traffic: it expires, and its old versions go a day later.
  lifecycle_rule {
    condition {
      age            = var.monitoring_retention_days
      matches_prefix = ["${local.prefix}monitoring/"]
      with_state     = "LIVE"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 1
      matches_prefix             = ["${local.prefix}monitoring/"]
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
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

# Managed CD copies the pinned model to <path>/serving/<md5>/ for the endpoint to
# load; a second deploy of the same model overwrites it, which needs delete as
# well as create. objectUser held to that prefix is the narrowest role with both.
resource "google_storage_bucket_iam_member" "publisher" {
  for_each = var.publisher_members

  bucket = google_storage_bucket.remote.name
  role   = "roles/storage.objectUser"
  member = each.value

  condition {
    title       = "serving-copies-only"
    description = "Create, overwrite and delete objects under ${local.prefix}serving/ only"
    expression  = "resource.name.startsWith(\"${local.objects}${local.prefix}serving/\")"
  }
}

# Readers of one folder of the remote (the model server, an endpoint service):
# they list the bucket (names only) and read objects under that folder alone.
resource "google_storage_bucket_iam_member" "folder_reader_list" {
  for_each = var.folder_reader_members

  bucket = google_storage_bucket.remote.name
  role   = "roles/storage.legacyBucketReader"
  member = each.value.member
}

resource "google_storage_bucket_iam_member" "folder_reader" {
  for_each = var.folder_reader_members

  bucket = google_storage_bucket.remote.name
  role   = "roles/storage.objectViewer"
  member = each.value.member

  condition {
    title       = "${trim(replace(each.value.folder, "/", "-"), "-")}-only"
    description = "Read objects under ${local.prefix}${trim(each.value.folder, "/")}/ only"
    expression  = "resource.name.startsWith(\"${local.objects}${local.prefix}${trim(each.value.folder, "/")}/\")"
  }
}

resource "google_storage_bucket_iam_member" "scoped_reader" {
  for_each = local.scoped_readers

  bucket = google_storage_bucket.remote.name
  role   = "roles/storage.objectViewer"
  member = each.value.member

  condition {
    title       = each.value.title
    description = "Read objects under the folders of ${each.key} only"
    expression  = each.value.expression
  }
}

# The drift monitor lists object names (DVC and gcsfs look before they read or push).
resource "google_storage_bucket_iam_member" "monitor_list" {
  for_each = var.monitor_members

  bucket = google_storage_bucket.remote.name
  role   = "roles/storage.legacyBucketReader"
  member = each.value
}

# It pushes a registered window as DVC objects: create only, never overwrite or delete.
resource "google_storage_bucket_iam_member" "monitor_push" {
  for_each = var.monitor_members

  bucket = google_storage_bucket.remote.name
  role   = "roles/storage.objectCreator"
  member = each.value

  condition {
    title       = "dvc-objects-only"
    description = "Create objects under ${local.prefix}files/md5/ only"
    expression  = local.monitor_push_only
  }
}

# It writes (and rewrites, on a second run the same day) exports of the captured
# traffic, such as Vertex AI's BigQuery log under monitoring/vertex/.
resource "google_storage_bucket_iam_member" "monitor_export" {
  for_each = local.monitor_exports

  bucket = google_storage_bucket.remote.name
  role   = "roles/storage.objectUser"
  member = each.value.member

  condition {
    title       = "${replace(each.value.folder, "/", "-")}-exports-only"
    description = "Create, overwrite and delete objects under ${local.prefix}${each.value.folder}/ only"
    expression  = "resource.name.startsWith(\"${local.objects}${local.prefix}${each.value.folder}/\")"
  }
}

# Writers of one folder (a capture sink such as the KServe request logger's): they
# create objects under it and nothing else (no list, read, overwrite or delete).
resource "google_storage_bucket_iam_member" "folder_writer" {
  for_each = var.folder_writer_members

  bucket = google_storage_bucket.remote.name
  role   = "roles/storage.objectCreator"
  member = each.value.member

  condition {
    title       = "${trim(replace(each.value.folder, "/", "-"), "-")}-create-only"
    description = "Create objects under ${local.prefix}${trim(each.value.folder, "/")}/ only"
    expression  = "resource.name.startsWith(\"${local.objects}${local.prefix}${trim(each.value.folder, "/")}/\")"
  }
}
