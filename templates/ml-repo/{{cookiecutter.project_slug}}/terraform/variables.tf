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

variable "github_repository_id" {
  description = "Numeric id of the repository: gh api repos/<owner>/<name> --jq .id (set it in terraform.tfvars). The identities trust it, not the name."
  type        = string
}

variable "github_owner_id" {
  description = "Numeric id of the repository's owner: gh api repos/<owner>/<name> --jq .owner.id (set it in terraform.tfvars)."
  type        = string
}

variable "required_reviewers" {
  description = "GitHub user and team ids (gh api users/<login> --jq .id, gh api orgs/<org>/teams/<slug> --jq .id) whose approval the infra and production environments wait for (set them in terraform.tfvars)."
  type = object({
    users = optional(list(number), [])
    teams = optional(list(number), [])
  })
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

variable "create_spot_service_linked_role" {
  description = "Create the account's EC2 Spot service-linked role AWSServiceRoleForEC2Spot (false when the account already has it and you did not import it)."
  type        = bool
  default     = true
}
{%- if cookiecutter.deploy_target == 'kserve' %}

variable "eks_oidc_provider_arn" {
  description = "ARN of the EKS cluster's IAM OIDC provider, for IRSA of the model server; null until the cluster exists (or with EKS Pod Identity alone)."
  type        = string
  default     = null
}

variable "eks_pod_identity_cluster_name" {
  description = "EKS cluster whose Pod Identity agent gives the model server and the capture sink their roles, or null for IRSA only."
  type        = string
  default     = null
}

variable "eks_node_role_arns" {
  description = "IAM roles of the EKS nodes that run the model server: the kubelet pulls the serving image as them (the ECR repository policy lets them)."
  type        = list(string)
  default     = []
}
{%- endif %}
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
  description = "Zones, in order of preference, where GPU runners may start (where the GPU is offered); empty for every zone of the region that is up."
  type        = list(string)
  default     = []
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
{%- if cookiecutter.deploy_target == 'kserve' %}

variable "gke_workload_pool" {
  description = "Workload Identity pool of the GKE cluster that serves the model (<cluster project>.svc.id.goog), for the identities of the model server and the capture sink; null until a cluster with Workload Identity exists (the pool does not exist before)."
  type        = string
  default     = null
}

variable "gke_node_members" {
  description = "IAM members of the GKE nodes' service accounts (serviceAccount:<email>) that pull the serving image: the kubelet pulls as the node, not as the pod's workload identity."
  type        = list(string)
  default     = []
}
{%- endif %}
{%- elif cookiecutter.cloud == 'azure' %}

variable "subscription_scope" {
  description = "Subscription the plan identity may read: /subscriptions/<id> (set it in terraform.tfvars)."
  type        = string
}
{%- if cookiecutter.deploy_target == 'kserve' %}

variable "aks_oidc_issuer_url" {
  description = "OIDC issuer URL of the AKS cluster (oidc_issuer_enabled, workload_identity_enabled), for the workload identities of the model server and the capture sink; null until the cluster exists."
  type        = string
  default     = null
}

variable "aks_kubelet_principal_id" {
  description = "Principal id of the AKS cluster's kubelet identity (azurerm_kubernetes_cluster.kubelet_identity[0].object_id), which pulls the serving image; null until the cluster exists."
  type        = string
  default     = null
}
{%- endif %}
{%- endif %}
{%- if cookiecutter.cloud in ['aws', 'gcp'] %}

variable "runner_max_lifetime_minutes" {
  description = "Hard limit on the life of a GPU runner, in minutes."
  type        = number
  default     = 360
}
{%- endif %}
