variable "project_id" {
  description = "Project of the repository."
  type        = string
}

variable "location" {
  description = "Region of the repository (its host is <location>-docker.pkg.dev)."
  type        = string
}

variable "repository_id" {
  description = "Id of the Artifact Registry docker repository."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", var.repository_id))
    error_message = "repository_id is up to 63 lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "image_name" {
  description = "Name of the serving image in the repository (for example <project>-serve)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+([._-][a-z0-9]+)*$", var.image_name))
    error_message = "image_name is lower-case letters and digits, joined by '.', '_' or '-'."
  }
}

variable "pusher_members" {
  description = "IAM members that push the serving image (roles/artifactregistry.writer on this repository only: push and pull, no deletes), by a static key."
  type        = map(string)
  default     = {}
}

variable "puller_members" {
  description = "IAM members that pull the serving image (roles/artifactregistry.reader on this repository only), by a static key: the GKE nodes' service account, Vertex AI's service agent."
  type        = map(string)
  default     = {}
}

variable "untagged_retention_days" {
  description = "Days an untagged image version is kept."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_retention_days >= 1
    error_message = "untagged_retention_days is at least 1."
  }
}

variable "max_image_count" {
  description = "Image versions kept in all, the most recent first; besides them, every version tagged pinned-* (serve-image.yml tags every image a deploy pin names) is kept."
  type        = number
  default     = 200

  validation {
    condition     = var.max_image_count >= 10
    error_message = "max_image_count is at least 10."
  }
}

variable "labels" {
  description = "Labels of the repository."
  type        = map(string)
  default     = {}
}
