variable "project_id" {
  description = "Project of the runners."
  type        = string
}

variable "prefix" {
  description = "Prefix of every resource name; also the value of the mlrig-runner label and a runner label."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,19}[a-z0-9])?$", var.prefix))
    error_message = "prefix is 1 to 21 lower-case letters, digits and dashes, starting with a letter and not ending with a dash."
  }
}

variable "region" {
  description = "Region of the runners, the reaper and its schedule."
  type        = string
}

variable "zones" {
  description = "Zones, in order of preference, where the launcher may create runners (where the accelerator is offered); empty for every zone of the region that is up."
  type        = list(string)
  default     = []
}

variable "subnetwork" {
  description = "Self link of the subnetwork of the runners (.../projects/<project>/regions/<region>/subnetworks/<name>). Runners get no public address: the subnetwork needs Cloud NAT to reach GitHub."
  type        = string

  validation {
    condition     = can(regex("projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$", var.subnetwork))
    error_message = "subnetwork is a self link ending in projects/<project>/regions/<region>/subnetworks/<name>."
  }
}

variable "machine_type" {
  description = "Machine type of a runner."
  type        = string
  default     = "g2-standard-4"
}

variable "accelerator_type" {
  description = "GPU type attached to a runner."
  type        = string
  default     = "nvidia-l4"
}

variable "accelerator_count" {
  description = "GPUs per runner."
  type        = number
  default     = 1
}

variable "cuda_version" {
  description = "CUDA major.minor of the training image and torch wheel. The image name must carry the same version (cu128 for 12.8), and the runner refuses to start without /usr/local/cuda-<cuda_version>."
  type        = string

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.cuda_version))
    error_message = "cuda_version is major.minor, for example 12.8."
  }
}

variable "image" {
  description = "Exact Deep Learning VM image (projects/<project>/global/images/<name>), never a family, so that the CUDA and driver stay pinned."
  type        = string

  validation {
    condition     = can(regex("^projects/[a-z0-9-]+/global/images/[a-z0-9-]+$", var.image))
    error_message = "image must be projects/<project>/global/images/<name>: an image, not a family."
  }
}

variable "disk_size_gb" {
  description = "Boot disk size."
  type        = number
  default     = 200
}

variable "max_lifetime_minutes" {
  description = "Hard limit: Compute Engine deletes every runner this many minutes after it starts, busy or not."
  type        = number
  default     = 360

  validation {
    condition     = var.max_lifetime_minutes >= 15 && var.max_lifetime_minutes <= 2880
    error_message = "max_lifetime_minutes must be between 15 and 2880."
  }
}

variable "reaper_schedule" {
  description = "Cron schedule (UTC) of the reaper that deletes stopped runners and any that outlived max_lifetime_minutes."
  type        = string
  default     = "*/10 * * * *"
}

variable "runner_version" {
  description = "Version of the GitHub Actions runner agent."
  type        = string
  default     = "2.329.0"
}

variable "runner_sha256" {
  description = "SHA-256 of actions-runner-linux-x64-<runner_version>.tar.gz, as published on the runner's release page."
  type        = string
  default     = "194f1e1e4bd02f80b7e9633fc546084d8d4e19f3928a324d512ea53430102e1d"

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.runner_sha256))
    error_message = "runner_sha256 is 64 lower-case hex digits."
  }
}

variable "extra_labels" {
  description = "More runner labels besides self-hosted, linux, x64, gpu, cuda-<version> and the prefix."
  type        = list(string)
  default     = []
}

variable "launcher_members" {
  description = "IAM members (the continuous-training identity) that may create runners from the templates, by a static key. IAM conditions limit them to the runner templates (<prefix>-*) and to VMs and disks named <runner_name_prefix>* (output runner_name_prefix)."
  type        = map(string)
  default     = {}
}

variable "labels" {
  description = "Labels for the runner VMs."
  type        = map(string)
  default     = {}
}
