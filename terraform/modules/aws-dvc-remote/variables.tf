variable "bucket_name" {
  description = "Name of the S3 bucket that holds the DVC remote."
  type        = string
}

variable "policy_name_prefix" {
  description = "Start of the IAM policy names (<prefix>-read, -write, ...), so that they fall in the caller's IAM scope; null for the bucket's name."
  type        = string
  default     = null
}

variable "writer_role_names" {
  description = "IAM roles that may push to and pull from the remote (for example the continuous-training role)."
  type        = list(string)
  default     = []
}

variable "reader_role_names" {
  description = "IAM roles that may only pull from the remote (for example the deployment role)."
  type        = list(string)
  default     = []
}

variable "publisher_role_names" {
  description = "IAM roles that read pinned models (<path>/files/md5/) and write serving copies under <path>/serving/ (managed deployment roles)."
  type        = list(string)
  default     = []
}

variable "monitor_role_names" {
  description = "IAM roles that read <path>/monitoring/ and <path>/files/md5/ and push to <path>/files/md5/ (the drift monitor)."
  type        = list(string)
  default     = []
}

variable "path" {
  description = "Folder of the DVC remote inside the bucket (s3://<bucket_name>/<path>), or empty for the bucket's root."
  type        = string
  default     = ""
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept before it expires."
  type        = number
  default     = 90
}

variable "infrequent_access_after_days" {
  description = "Days after which current objects move to STANDARD_IA (at least 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.infrequent_access_after_days >= 30
    error_message = "S3 moves objects to STANDARD_IA after 30 days at the earliest."
  }
}

variable "access_log_bucket" {
  description = "Name of an existing bucket that receives S3 server access logs (a literal or variable: whether it is null decides what to create, so it must be known at plan), or null to create one beside the remote."
  type        = string
  default     = null
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the remote's KMS key is deleted."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "Let terraform destroy a bucket that still holds objects. Keep false outside experiments."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "folder_writers" {
  description = "Folders of the remote (relative to path, such as monitoring/kserve/) that a writer may add objects to and nothing else, by a static key: one policy each (folder_write_policy_arns), with no list, no read and no delete, for a capture sink that only writes."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for folder in values(var.folder_writers) : can(regex("^[a-z0-9_.-]+(/[a-z0-9_.-]+)*/?$", folder))])
    error_message = "A folder is a relative path such as monitoring/kserve/."
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
