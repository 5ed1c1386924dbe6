variable "name" {
  description = "Name of the container registry (5 to 50 letters and digits, unique in Azure); its login server is <name>.azurecr.io. Give the serving image a registry of its own: AcrPush reaches every repository of a registry."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9]{5,50}$", var.name))
    error_message = "name is 5 to 50 letters and digits."
  }
}

variable "image_name" {
  description = "Name of the serving image in the registry (for example <project>-serve)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+([._-][a-z0-9]+)*$", var.image_name))
    error_message = "image_name is lower-case letters and digits, joined by '.', '_' or '-'."
  }
}

variable "resource_group_name" {
  description = "Resource group of the registry."
  type        = string
}

variable "location" {
  description = "Azure region of the registry."
  type        = string
}

variable "pusher_principal_ids" {
  description = "Principal ids (service principals, managed identities) that push the serving image, by a static key: AcrPush on this registry only."
  type        = map(string)
  default     = {}
}

variable "puller_principal_ids" {
  description = "Principal ids that pull the serving image, by a static key: AcrPull on this registry only (the AKS kubelet identity, an Azure ML workspace's identity)."
  type        = map(string)
  default     = {}
}

variable "untagged_retention_days" {
  description = "Days an untagged manifest is kept (Premium's retention policy)."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_retention_days >= 1 && var.untagged_retention_days <= 365
    error_message = "untagged_retention_days is 1 to 365."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
