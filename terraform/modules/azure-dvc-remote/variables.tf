variable "storage_account_name" {
  description = "Name of the storage account (3 to 24 lower-case letters and digits)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.storage_account_name))
    error_message = "storage_account_name is 3 to 24 lower-case letters and digits."
  }
}

variable "container_name" {
  description = "Blob container of the DVC remote: the remote is azure://<container_name>."
  type        = string
  default     = "dvc"
}

variable "resource_group_name" {
  description = "Resource group of the storage account."
  type        = string
}

variable "location" {
  description = "Azure region of the storage account."
  type        = string
}

variable "writer_principal_ids" {
  description = "Principal ids that may push to and pull from the remote, by a static key (Storage Blob Data Contributor on the container, with a condition that denies deleting and moving blobs)."
  type        = map(string)
  default     = {}
}

variable "reader_principal_ids" {
  description = "Principal ids that may only pull, by a static key (Storage Blob Data Reader on the container)."
  type        = map(string)
  default     = {}
}

variable "monitor_principal_ids" {
  description = "Principal ids of the drift monitor, by a static key: list blob names, read <path>/files/md5/ and <path>/monitoring/, push to <path>/files/md5/; no deletes (Storage Blob Data Contributor on the container with path conditions)."
  type        = map(string)
  default     = {}
}

variable "folder_writer_principal_ids" {
  description = "Principal ids that may read and write blobs under one folder of the remote only (folder is relative to path, such as monitoring/azureml/ for a data collector) and list blob names, by a static key; no deletes (Storage Blob Data Contributor on the container with path conditions)."
  type = map(object({
    principal_id = string
    folder       = string
  }))
  default = {}

  validation {
    condition     = alltrue([for writer in values(var.folder_writer_principal_ids) : can(regex("^[a-z0-9_.-]+(/[a-z0-9_.-]+)*/?$", writer.folder))])
    error_message = "folder is a relative path such as monitoring/azureml/."
  }
}

variable "folder_reader_principal_ids" {
  description = "Principal ids that may read blobs under one folder of the remote only (folder is relative to path, such as files/md5/ for a model server that loads pinned artifacts) and list blob names, by a static key (Storage Blob Data Reader on the container with a path condition)."
  type = map(object({
    principal_id = string
    folder       = string
  }))
  default = {}

  validation {
    condition     = alltrue([for reader in values(var.folder_reader_principal_ids) : can(regex("^[a-z0-9_.-]+(/[a-z0-9_.-]+)*/?$", reader.folder))])
    error_message = "folder is a relative path such as files/md5/."
  }
}

variable "path" {
  description = "Folder of the DVC remote inside the container (azure://<container_name>/<path>), or empty for the container's root."
  type        = string
  default     = ""
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted blob version is kept."
  type        = number
  default     = 90
}

variable "cool_after_days" {
  description = "Days without modification after which blobs move to the cool tier."
  type        = number
  default     = 30
}

variable "soft_delete_retention_days" {
  description = "Days deleted blobs and containers stay recoverable."
  type        = number
  default     = 30
}

variable "replication_type" {
  description = "Storage replication: GRS, RAGRS, GZRS or RAGZRS (the remote survives a region)."
  type        = string
  default     = "GZRS"

  validation {
    condition     = contains(["GRS", "RAGRS", "GZRS", "RAGZRS"], var.replication_type)
    error_message = "replication_type is GRS, RAGRS, GZRS or RAGZRS."
  }
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace that receives the blob read, write and delete logs, or null to create one beside the remote."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the workspace created when log_analytics_workspace_id is null."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
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
