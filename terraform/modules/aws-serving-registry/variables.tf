variable "name" {
  description = "Name of the ECR repository of the serving image (for example <project>-serve); the push and pull policies are named after it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+([._-][a-z0-9]+)*$", var.name)) && length(var.name) <= 120
    error_message = "name is an ECR repository name without '/' (it also names IAM policies): lower-case letters and digits, joined by '.', '_' or '-'."
  }
}

variable "puller_arns" {
  description = "IAM principals outside this configuration that pull the image through the repository policy, such as the EKS node role whose kubelet pulls the KServe runtime; roles of this configuration attach pull_policy_arn instead."
  type        = list(string)
  default     = []
}

variable "untagged_retention_days" {
  description = "Days an untagged image (a digest no tag names) is kept."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_retention_days >= 1
    error_message = "untagged_retention_days is at least 1."
  }
}

variable "max_image_count" {
  description = "Images kept in all, the oldest going first; an image tagged pinned-* (serve-image.yml tags every image a deploy pin names) is never expired, though it counts."
  type        = number
  default     = 200

  validation {
    condition     = var.max_image_count >= 10
    error_message = "max_image_count is at least 10."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the repository's KMS key is deleted."
  type        = number
  default     = 30
}

variable "force_delete" {
  description = "Let terraform destroy delete the repository while it holds images."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
