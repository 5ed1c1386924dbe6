variable "project_slug" {
  description = "Name of the project; prefixes the cloud resources."
  type        = string
  default     = "{{ cookiecutter.project_slug }}"
}

variable "repository" {
  description = "The GitHub repository (owner/name) whose workflows get cloud identities."
  type        = string
  default     = "{{ cookiecutter.github_owner }}/{{ cookiecutter.project_slug }}"
}

variable "region" {
  description = "Cloud region of every resource."
  type        = string
  default     = "{{ cookiecutter.region }}"
}

variable "cuda_version" {
  description = "CUDA of the GPU runners; the training image and the torch wheel use the same one."
  type        = string
  default     = "{{ cookiecutter.cuda_version }}"
}
{%- if cookiecutter.cloud == 'aws' %}

variable "gpu_instance_type" {
  description = "EC2 instance type of a GPU runner."
  type        = string
  default     = "{{ cookiecutter.gpu_instance_type }}"
}

variable "vpc_id" {
  description = "VPC of the GPU runners (set it in terraform.tfvars)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets with a NAT route, in different availability zones, for the GPU runners (set them in terraform.tfvars)."
  type        = list(string)
}

variable "github_oidc_provider_arn" {
  description = "ARN of the account's existing GitHub OIDC provider, or null to create it (an account holds only one)."
  type        = string
  default     = null
}
{%- elif cookiecutter.cloud == 'gcp' %}

variable "project_id" {
  description = "Google Cloud project of every resource (set it in terraform.tfvars)."
  type        = string
}

variable "gpu_machine_type" {
  description = "Machine type of a GPU runner."
  type        = string
  default     = "{{ cookiecutter.gpu_instance_type }}"
}

variable "gpu_accelerator_type" {
  description = "GPU attached to a runner (g2 machines carry nvidia-l4)."
  type        = string
  default     = "nvidia-l4"
}

variable "gpu_zones" {
  description = "Zones, in order of preference, where GPU runners may start."
  type        = list(string)
  default     = ["{{ cookiecutter.region }}-a", "{{ cookiecutter.region }}-b", "{{ cookiecutter.region }}-c"]
}

variable "gpu_image" {
  description = "Exact Deep Learning VM image of the runners; its name carries the CUDA version (cu<major><minor>)."
  type        = string
{%- set gcp_images = {
  '12.8': 'projects/deeplearning-platform-release/global/images/common-cu128-ubuntu-2204-nvidia-570-v20251216',
  '12.4': 'projects/deeplearning-platform-release/global/images/common-cu124-v20241224',
} %}
{%- if cookiecutter.cuda_version in gcp_images %}
  default     = "{{ gcp_images[cookiecutter.cuda_version] }}"
{%- endif %}
}

variable "subnetwork" {
  description = "Self link of the subnetwork (with Cloud NAT) of the GPU runners (set it in terraform.tfvars)."
  type        = string
}
{%- elif cookiecutter.cloud == 'azure' %}

variable "subscription_scope" {
  description = "Subscription the plan identity may read: /subscriptions/<id> (set it in terraform.tfvars)."
  type        = string
}
{%- endif %}
{%- if cookiecutter.cloud in ['aws', 'gcp'] %}

variable "runner_max_lifetime_minutes" {
  description = "Hard limit on the life of a GPU runner, in minutes."
  type        = number
  default     = 360
}
{%- endif %}
