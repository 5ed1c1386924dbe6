variable "prefix" {
  description = "Prefix of every resource name; also a runner label."
  type        = string
}

variable "aws_region" {
  description = "Region of the runners and their lambdas."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the runners."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (with a NAT route to GitHub) for the runners, in different availability zones."
  type        = list(string)
}

variable "repository" {
  description = "The only GitHub repository (owner/name) whose jobs may start these runners."
  type        = string
}

variable "github_app_ssm_parameters" {
  description = "SSM SecureString parameters, created outside Terraform, holding the GitHub App id, its base64 private key and its webhook secret. Only their ARNs and names reach Terraform, never the values."
  type = object({
    id             = object({ arn = string, name = string })
    key_base64     = object({ arn = string, name = string })
    webhook_secret = object({ arn = string, name = string })
  })
}

variable "lambda_zip_dir" {
  description = "Folder holding webhook.zip, runners.zip and runner-binaries-syncer.zip from the github-aws-runners release that matches the pinned module (v7.11.0)."
  type        = string
}

variable "instance_types" {
  description = "GPU instance types, in order of preference."
  type        = list(string)
  default     = ["g5.xlarge"]
}

variable "cuda_version" {
  description = "CUDA major.minor of the training image and torch wheel. The runner refuses to start when the AMI lacks /usr/local/cuda-<cuda_version>."
  type        = string

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.cuda_version))
    error_message = "cuda_version is major.minor, for example 12.8."
  }
}

variable "ami_name" {
  description = "Exact name of the GPU AMI (an AWS Deep Learning Base AMI carries several CUDA toolkits side by side). A dated name pins one image; it keeps resolving after AWS deprecates it."
  type        = string
  default     = "Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon Linux 2023) 20250701"

  validation {
    condition     = length(regexall("\\*|\\?|latest", var.ami_name)) == 0
    error_message = "ami_name must name one image: no wildcards and no 'latest'."
  }
}

variable "ami_owners" {
  description = "Accounts allowed to own the AMI."
  type        = list(string)
  default     = ["amazon"]
}

variable "max_runners" {
  description = "Most GPU runners alive at once."
  type        = number
  default     = 2
}

variable "max_lifetime_minutes" {
  description = "Hard limit: every runner instance powers off (and is terminated) this many minutes after boot, busy or not."
  type        = number
  default     = 360

  validation {
    condition     = var.max_lifetime_minutes >= 15 && var.max_lifetime_minutes <= 2880
    error_message = "max_lifetime_minutes must be between 15 and 2880."
  }
}

variable "on_demand_failover_errors" {
  description = "EC2 fleet errors on which a spot request is retried on demand. An empty list disables the fallback."
  type        = list(string)
  default     = ["InsufficientInstanceCapacity", "UnfulfillableCapacity", "MaxSpotInstanceCountExceeded"]
}

variable "extra_labels" {
  description = "More runner labels besides gpu, cuda-<version> and the prefix."
  type        = list(string)
  default     = []
}

variable "root_volume_size_gb" {
  description = "Size of the encrypted root volume."
  type        = number
  default     = 200
}

variable "reaper_schedule_expression" {
  description = "How often the scale-down lambda reaps idle, orphaned and unregistered runners."
  type        = string
  default     = "cron(*/5 * * * ? *)"
}

variable "iam_path" {
  description = "IAM path of every role, instance profile and policy the runner module creates (each named <prefix>-...), or null for /<prefix>/. Whoever applies needs IAM rights on exactly these: role/<path><prefix>-*, instance-profile/<path><prefix>-*, policy/<path><prefix>-*."
  type        = string
  default     = null

  validation {
    condition     = var.iam_path == null || can(regex("^/([A-Za-z0-9+=,.@_-]+/)*$", var.iam_path))
    error_message = "iam_path starts and ends with '/', for example /my-project/."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of every role the runner module creates (its lambdas' and the runner instances'), or null for none."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the module's SSM parameters and queues, or null for AWS-managed keys."
  type        = string
  default     = null
}

variable "lambda_tracing_mode" {
  description = "X-Ray tracing of the module's lambdas (Active or PassThrough), or null for none."
  type        = string
  default     = "Active"
}

variable "log_retention_days" {
  description = "Retention of the lambda and runner log groups."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
