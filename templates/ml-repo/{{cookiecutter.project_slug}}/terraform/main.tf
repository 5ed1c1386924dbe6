{%- set src = cookiecutter.terraform_module_source ~ '//terraform/modules/' -%}
{%- set ref = '?ref=' ~ cookiecutter.terraform_module_ref -%}
{%- set remote = cookiecutter.dvc_remote_url.split('://')[-1].split('/')[0] -%}
{%- set module_ref = cookiecutter.terraform_module_ref -%}
{%- set by_sha = module_ref | length == 40 and module_ref.strip('0123456789abcdef') == '' -%}
{%- macro pin_note() -%}
{%- if not by_sha %}
  #checkov:skip=CKV_TF_1:pinned to the release tag {{ module_ref }} chosen when the repository was generated; set terraform_module_ref to a commit to pin by hash
{%- elif module_ref == cookiecutter._mlrig_release.commit %}
  # mlrig v{{ cookiecutter._mlrig_release.version }}
{%- endif %}
{%- endmacro -%}
# The project's cloud: GitHub OIDC identities, the DVC remote and (where the
# cloud has them) ephemeral GPU runners, from mlrig's modules at a pinned ref.
# Every GitHub environment below gets its own identity, usable only by jobs of
# this repository that run in that environment:
#   infra-plan  terraform plan on pull requests (read-only)
#   infra       terraform apply from main (protect it: required reviewers)
#   training    continuous training (pushes to the DVC remote)
#   monitoring, ci, staging, production   pull from the DVC remote
locals {
  tags = {
    project    = var.project_slug
    managed-by = "terraform"
  }
  dvc_readers = ["monitoring", "ci", "staging", "production"]
{%- if cookiecutter.cloud == 'gcp' %}
  prefix      = trimsuffix(substr(var.project_slug, 0, 16), "-")
{%- endif %}
}
{%- if cookiecutter.cloud == 'aws' %}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  ssm_arn_prefix = "arn:${data.aws_partition.current.partition}:ssm:${var.region}:${data.aws_caller_identity.current.account_id}:parameter"
  policy_prefix  = "arn:${data.aws_partition.current.partition}:iam::aws:policy"
  # SecureString parameters you create once (README.md); Terraform sees names only.
  github_app_ssm_parameters = {
    for key in ["id", "key_base64", "webhook_secret"] : key => {
      name = "/${var.project_slug}/github-app/${key}"
      arn  = "${local.ssm_arn_prefix}/${var.project_slug}/github-app/${key}"
    }
  }
}

module "github_oidc" {
{{- pin_note() }}
  source = "{{ src }}aws-github-oidc{{ ref }}"

  repository           = var.repository
  name_prefix          = var.project_slug
  create_oidc_provider = var.github_oidc_provider_arn == null
  oidc_provider_arn    = var.github_oidc_provider_arn
  identities = merge(
    {
      infra-plan = { environment = "infra-plan", managed_policy_arns = ["${local.policy_prefix}/ReadOnlyAccess"] }
      infra      = { environment = "infra", managed_policy_arns = ["${local.policy_prefix}/AdministratorAccess"] }
      training   = { environment = "training" }
    },
    { for name in local.dvc_readers : name => { environment = name } },
  )
  tags = local.tags
}

module "dvc_remote" {
{{- pin_note() }}
  source = "{{ src }}aws-dvc-remote{{ ref }}"

  bucket_name       = "{{ remote }}"
  writer_role_names = [module.github_oidc.role_names["training"], module.gpu_runners.runner_role_name]
  reader_role_names = [for name in local.dvc_readers : module.github_oidc.role_names[name]]
  tags              = local.tags
}

module "gpu_runners" {
{{- pin_note() }}
  source = "{{ src }}aws-gpu-runners{{ ref }}"

  prefix                    = var.project_slug
  aws_region                = var.region
  vpc_id                    = var.vpc_id
  subnet_ids                = var.subnet_ids
  repository                = var.repository
  github_app_ssm_parameters = local.github_app_ssm_parameters
  lambda_zip_dir            = "${path.root}/lambdas"
  instance_types            = [var.gpu_instance_type]
  cuda_version              = var.cuda_version
  max_lifetime_minutes      = var.runner_max_lifetime_minutes
  tags                      = local.tags
}
{%- elif cookiecutter.cloud == 'gcp' %}

module "github_oidc" {
{{- pin_note() }}
  source = "{{ src }}gcp-github-oidc{{ ref }}"

  project_id  = var.project_id
  repository  = var.repository
  name_prefix = local.prefix
  pool_id     = "${local.prefix}-github"
  identities = merge(
    {
      infra-plan = { environment = "infra-plan", project_roles = ["roles/viewer", "roles/iam.securityReviewer", "roles/storage.objectViewer"] }
      infra      = { environment = "infra", project_roles = ["roles/owner"] }
      training   = { environment = "training" }
    },
    { for name in local.dvc_readers : name => { environment = name } },
  )
}

module "dvc_remote" {
{{- pin_note() }}
  source = "{{ src }}gcp-dvc-remote{{ ref }}"

  project_id     = var.project_id
  bucket_name    = "{{ remote }}"
  location       = var.region
  writer_members = [module.github_oidc.service_account_members["training"], "serviceAccount:${module.gpu_runners.runner_service_account_email}"]
  reader_members = [for name in local.dvc_readers : module.github_oidc.service_account_members[name]]
  labels         = local.tags
}

module "gpu_runners" {
{{- pin_note() }}
  source = "{{ src }}gcp-gpu-runners{{ ref }}"

  project_id           = var.project_id
  prefix               = local.prefix
  region               = var.region
  zones                = var.gpu_zones
  subnetwork           = var.subnetwork
  machine_type         = var.gpu_machine_type
  accelerator_type     = var.gpu_accelerator_type
  cuda_version         = var.cuda_version
  image                = var.gpu_image
  max_lifetime_minutes = var.runner_max_lifetime_minutes
  launcher_members     = [module.github_oidc.service_account_members["training"]]
  labels               = local.tags
}
{%- elif cookiecutter.cloud == 'azure' %}

locals {
  # The state's storage account (made by hand, README.md): the plan identity reads it.
  state_account = "${var.subscription_scope}/resourceGroups/{{ cookiecutter.project_slug }}-tfstate/providers/Microsoft.Storage/storageAccounts/{{ (cookiecutter.project_slug | replace('-', ''))[:17] }}tfstate"
}

resource "azurerm_resource_group" "main" {
  name     = var.project_slug
  location = var.region
  tags     = local.tags
}

module "github_oidc" {
{{- pin_note() }}
  source = "{{ src }}azure-github-oidc{{ ref }}"

  repository          = var.repository
  name_prefix         = var.project_slug
  resource_group_name = azurerm_resource_group.main.name
  location            = var.region
  identities = merge(
    {
      infra-plan = {
        environment = "infra-plan"
        role_assignments = [
          { scope = var.subscription_scope, role_definition_name = "Reader" },
          { scope = local.state_account, role_definition_name = "Storage Blob Data Reader" },
        ]
      }
      infra = {
        environment      = "infra"
        role_assignments = [{ scope = var.subscription_scope, role_definition_name = "Owner" }]
      }
      training = { environment = "training" }
    },
    { for name in local.dvc_readers : name => { environment = name } },
  )
  tags = local.tags
}

module "dvc_remote" {
{{- pin_note() }}
  source = "{{ src }}azure-dvc-remote{{ ref }}"

  storage_account_name = "{{ cookiecutter.__azure_storage_account }}"
  container_name       = "{{ remote }}"
  resource_group_name  = azurerm_resource_group.main.name
  location             = var.region
  writer_principal_ids = [module.github_oidc.principal_ids["training"]]
  reader_principal_ids = [for name in local.dvc_readers : module.github_oidc.principal_ids[name]]
  tags                 = local.tags
}
{%- endif %}
