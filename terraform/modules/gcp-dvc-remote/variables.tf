variable "project_id" {
  description = "Project of the bucket and its key."
  type        = string
}

variable "bucket_name" {
  description = "Name of the GCS bucket that holds the DVC remote."
  type        = string
}

variable "location" {
  description = "Bucket and key location (a region such as us-central1)."
  type        = string
}

variable "writer_members" {
  description = "IAM members (for example serviceAccount:ct@...) that may push to and pull from the remote, no deletes; by a static key, so that members created in the same apply work."
  type        = map(string)
  default     = {}
}

variable "reader_members" {
  description = "IAM members that may only pull from the remote, by a static key."
  type        = map(string)
  default     = {}
}

variable "publisher_members" {
  description = "IAM members that read pinned models (<path>/files/md5/) and may create, overwrite and delete objects under <path>/serving/ only (managed deployment identities), by a static key."
  type        = map(string)
  default     = {}
}

variable "monitor_members" {
  description = "IAM members of the drift monitor, by a static key: they list object names, read <path>/files/md5/ and <path>/monitoring/, and create objects under <path>/files/md5/ (dvc push, no overwrite or delete)."
  type        = map(string)
  default     = {}
}

variable "monitor_export_folders" {
  description = "Folders (relative to path, under monitoring/) where the drift monitor also creates, overwrites and deletes objects: exports of captured traffic such as monitoring/vertex/."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for folder in var.monitor_export_folders : can(regex("^monitoring/[a-z0-9_.-]+/?$", folder))])
    error_message = "An export folder is one folder under monitoring/, such as monitoring/vertex/."
  }
}

variable "folder_reader_members" {
  description = "IAM members that may read objects under one folder of the remote only (folder is relative to path: files/md5/ for a model server that loads pinned artifacts, serving/ for an endpoint service), and list the bucket's object names, by a static key."
  type = map(object({
    member = string
    folder = string
  }))
  default = {}

  validation {
    condition     = alltrue([for reader in values(var.folder_reader_members) : can(regex("^[a-z0-9_.-]+(/[a-z0-9_.-]+)*/?$", reader.folder))])
    error_message = "folder is a relative path such as files/md5/ or serving/."
  }
}

variable "path" {
  description = "Folder of the DVC remote inside the bucket (gs://<bucket_name>/<path>), or empty for the bucket's root."
  type        = string
  default     = ""
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept."
  type        = number
  default     = 90
}

variable "nearline_after_days" {
  description = "Days after which objects move to NEARLINE storage."
  type        = number
  default     = 30
}

variable "log_bucket" {
  description = "Existing bucket that receives the usage logs, or null to create one beside the remote."
  type        = string
  default     = null
}

variable "key_rotation_period" {
  description = "Rotation period of the customer-managed encryption key."
  type        = string
  default     = "7776000s"
}

variable "force_destroy" {
  description = "Let terraform destroy a bucket that still holds objects. Keep false outside experiments."
  type        = bool
  default     = false
}

variable "labels" {
  description = "Labels for the buckets."
  type        = map(string)
  default     = {}
}

variable "folder_writer_members" {
  description = "IAM members that may add objects under one folder of the remote only (folder is relative to path, such as monitoring/kserve/ for a capture sink), by a static key: roles/storage.objectCreator with a path condition; no list, no read, no overwrite, no delete."
  type = map(object({
    member = string
    folder = string
  }))
  default = {}

  validation {
    condition     = alltrue([for writer in values(var.folder_writer_members) : can(regex("^[a-z0-9_.-]+(/[a-z0-9_.-]+)*/?$", writer.folder))])
    error_message = "folder is a relative path such as monitoring/kserve/."
  }
}

variable "monitoring_retention_days" {
  description = "Days after which captured inference data under <path>/monitoring/ (the drift monitor's window, the request log, the feedback labels) expires; keep it longer than drift.window_days in params.yaml."
  type        = number
  default     = 30

  validation {
    condition     = var.monitoring_retention_days >= 1
    error_message = "Captured inference data must be kept at least one day."
  }
}
