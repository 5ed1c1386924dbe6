{%- set src = cookiecutter.terraform_module_source ~ '//terraform/modules/' -%}
{%- set ref = '?ref=' ~ cookiecutter.terraform_module_ref -%}
{%- set module_ref = cookiecutter.terraform_module_ref -%}
{%- set by_sha = module_ref | length == 40 and module_ref.strip('0123456789abcdef') == '' -%}
{%- macro tag_pin() -%}
{%- if not by_sha %}
  #checkov:skip=CKV_TF_1:pinned to the release tag {{ module_ref }} chosen when the repository was generated; set terraform_module_ref to a commit to pin by hash
{%- elif module_ref == cookiecutter._mlrig_release.commit %}
  # mlrig v{{ cookiecutter._mlrig_release.version }}
{%- endif %}
{%- endmacro -%}
# How deployed models reach the DVC remote.
{%- if cookiecutter.deploy_target == 'kserve' %}
# KServe: the model server's read-only identity, federated to the cluster's
# OIDC issuer for the service account in deploy/base/service-account.yaml.
# Put `terraform output serving_service_account_annotations` on that account.
{%- else %}
# Managed endpoints: the staging and production identities deploy, and the
# endpoint service reads the serving copies they write under <remote>/serving/.
{%- endif %}
locals {
  # The environments whose identities deploy to a managed endpoint.
  deploy_environments = {{ '["staging", "production"]' if cookiecutter.deploy_target == 'managed' else '[]' }}
  model_readers = {
    for environment in ["staging", "production"] : environment => {
      namespace = "${var.project_slug}-${environment}"
      name      = "${var.project_slug}-model-reader"
    }
  }
}
{%- if cookiecutter.cloud == 'aws' and cookiecutter.deploy_target == 'kserve' %}

locals {
  deploy_policy_arns = {}
}

module "serving_identity" {
{{- tag_pin() }}
  source = "{{ src }}aws-serving-identity{{ ref }}"
  count  = var.eks_oidc_provider_arn != null || var.eks_pod_identity_cluster_name != null ? 1 : 0

  name                      = "${var.project_slug}-serving"
  oidc_provider_arn         = var.eks_oidc_provider_arn
  oidc_issuer               = var.eks_oidc_provider_arn == null ? null : split("oidc-provider/", var.eks_oidc_provider_arn)[1]
  pod_identity_cluster_name = var.eks_pod_identity_cluster_name
  service_accounts          = local.model_readers
  policy_arns               = { dvc-read = module.dvc_remote.read_policy_arn }
  permissions_boundary_arn  = aws_iam_policy.boundary.arn
  tags                      = local.tags
}
{%- elif cookiecutter.cloud == 'aws' %}

locals {
  deploy_policy_arns = { for environment in local.deploy_environments : environment => { deploy = aws_iam_policy.deploy[environment].arn } }
}

data "aws_iam_policy_document" "sagemaker_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# The endpoints' execution role: pulls the serving image and reads the model.
resource "aws_iam_role" "sagemaker" {
  name                 = "${var.project_slug}-sagemaker"
  description          = "SageMaker endpoints of ${var.project_slug}: read the serving copies"
  assume_role_policy   = data.aws_iam_policy_document.sagemaker_trust.json
  permissions_boundary = aws_iam_policy.boundary.arn
}

data "aws_iam_policy_document" "sagemaker" {
  statement {
    sid       = "PullServingImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = ["arn:${data.aws_partition.current.partition}:ecr:${var.region}:${data.aws_caller_identity.current.account_id}:repository/*"]
  }

  statement {
    sid       = "EcrToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "EndpointLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/sagemaker/*"]
  }
}

resource "aws_iam_role_policy" "sagemaker" {
  name   = "serve"
  role   = aws_iam_role.sagemaker.id
  policy = data.aws_iam_policy_document.sagemaker.json
}

resource "aws_iam_role_policy_attachment" "sagemaker_reads_models" {
  role       = aws_iam_role.sagemaker.name
  policy_arn = module.dvc_remote.read_policy_arn
}

data "aws_iam_policy_document" "deploy" {
  for_each = local.model_readers

  statement {
    sid = "EndpointOfThisEnvironment"
    actions = [
      "sagemaker:CreateEndpoint",
      "sagemaker:CreateEndpointConfig",
      "sagemaker:CreateModel",
      "sagemaker:DescribeEndpoint",
      "sagemaker:DescribeEndpointConfig",
      "sagemaker:DescribeModel",
      "sagemaker:UpdateEndpoint",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:endpoint/${var.project_slug}-${each.key}",
      "arn:${data.aws_partition.current.partition}:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:endpoint-config/${var.project_slug}-${each.key}-*",
      "arn:${data.aws_partition.current.partition}:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:model/${var.project_slug}-${each.key}-*",
    ]
  }

  statement {
    sid       = "PassTheExecutionRoleToSageMakerOnly"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.sagemaker.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "deploy" {
  for_each = local.model_readers

  name        = "${var.project_slug}-deploy-${each.key}"
  description = "Managed CD of ${each.key}: the SageMaker endpoint ${var.project_slug}-${each.key}"
  policy      = data.aws_iam_policy_document.deploy[each.key].json
}
{%- elif cookiecutter.cloud == 'gcp' and cookiecutter.deploy_target == 'kserve' %}

locals {
  deploy_project_roles = {}
  extra_dvc_readers    = { serving = module.serving_identity.member }
}

module "serving_identity" {
{{- tag_pin() }}
  source = "{{ src }}gcp-serving-identity{{ ref }}"

  project_id       = var.project_id
  account_id       = "${local.prefix}-serving"
  service_accounts = local.model_readers
  depends_on       = [google_project_service.apis]
}
{%- elif cookiecutter.cloud == 'gcp' %}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  deploy_project_roles = { for environment in local.deploy_environments : environment => ["roles/aiplatform.user"] }
  # Vertex AI's service agent loads the serving copies from the bucket.
  extra_dvc_readers = { vertex-ai = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-aiplatform.iam.gserviceaccount.com" }
}
{%- elif cookiecutter.cloud == 'azure' and cookiecutter.deploy_target == 'kserve' %}

locals {
  deploy_role_assignments = {}
  extra_dvc_readers       = { for identity in module.serving_identity : "serving" => identity.principal_id }
}

module "serving_identity" {
{{- tag_pin() }}
  source = "{{ src }}azure-serving-identity{{ ref }}"
  count  = var.aks_oidc_issuer_url == null ? 0 : 1

  name                = "${var.project_slug}-serving"
  resource_group_name = azurerm_resource_group.main.name
  location            = var.region
  oidc_issuer_url     = var.aks_oidc_issuer_url
  service_accounts    = local.model_readers
  tags                = local.tags
}
{%- elif cookiecutter.cloud == 'azure' %}

locals {
  # The staging and production identities deploy to the project's Azure ML workspace.
  deploy_role_assignments = {
    for environment in local.deploy_environments : environment => [
      { key = "azureml", scope = azurerm_machine_learning_workspace.ml.id, role_definition_name = "AzureML Data Scientist" },
    ]
  }
  extra_dvc_readers = {}
}

data "azurerm_client_config" "current" {}

resource "azurerm_log_analytics_workspace" "ml" {
  name                = "${var.project_slug}-ml-logs"
  resource_group_name = azurerm_resource_group.main.name
  location            = var.region
  sku                 = "PerGB2018"
  retention_in_days   = 90
  tags                = local.tags
}

resource "azurerm_application_insights" "ml" {
  name                = "${var.project_slug}-ml"
  resource_group_name = azurerm_resource_group.main.name
  location            = var.region
  workspace_id        = azurerm_log_analytics_workspace.ml.id
  application_type    = "other"
  tags                = local.tags
}

resource "azurerm_key_vault" "ml" {
  #checkov:skip=CKV_AZURE_189:the Azure ML workspace and its online endpoints reach the vault over its public endpoint; every request needs Entra ID (RBAC authorization)
  #checkov:skip=CKV2_AZURE_32:no private endpoint, for the same reason as CKV_AZURE_189
  name                       = "{{ cookiecutter.project_slug[:20].rstrip('-') }}-kv"
  resource_group_name        = azurerm_resource_group.main.name
  location                   = var.region
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  rbac_authorization_enabled = true
  purge_protection_enabled   = true
  soft_delete_retention_days = 90
  tags                       = local.tags

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}

resource "azurerm_storage_account" "ml" {
  #checkov:skip=CKV2_AZURE_1:Azure ML's workspace storage holds run artifacts, encrypted with Microsoft-managed keys plus infrastructure encryption
  #checkov:skip=CKV_AZURE_59:Azure ML and the CD workflow's runners reach the workspace storage over the internet
  #checkov:skip=CKV_AZURE_35:see CKV_AZURE_59
  #checkov:skip=CKV2_AZURE_33:no private endpoint, for the same reason as CKV_AZURE_59
  #checkov:skip=CKV_AZURE_33:Azure ML uses blobs and files here, not queues
  #checkov:skip=CKV2_AZURE_41:the SAS expiration policy below logs long-lived SAS; Azure ML signs short-lived ones
  #checkov:skip=CKV2_AZURE_40:Azure ML's default datastores authenticate with the account key
  #checkov:skip=CKV2_AZURE_38:run artifacts are reproducible from git and the DVC remote; soft delete stays at the account default
  #checkov:skip=CKV_AZURE_206:run artifacts are reproducible; locally redundant storage is enough
  name                              = "{{ (cookiecutter.project_slug | replace('-', ''))[:22] }}ml"
  resource_group_name               = azurerm_resource_group.main.name
  location                          = var.region
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = "LRS"
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  allow_nested_items_to_be_public   = false
  infrastructure_encryption_enabled = true
  cross_tenant_replication_enabled  = false
  tags                              = local.tags

  sas_policy {
    expiration_period = "00.01:00:00"
    expiration_action = "Log"
  }
}

resource "azurerm_machine_learning_workspace" "ml" {
  #checkov:skip=CKV_AZURE_144:managed CD deploys from GitHub-hosted runners over the workspace's public endpoint, with Entra ID
  #checkov:skip=CKV_AZURE_145:the workspace is encrypted with Microsoft-managed keys; a customer-managed key is left to the caller
  #checkov:skip=CKV2_AZURE_50:the workspace holds serving copies of models the DVC remote keeps anyway, not high-business-impact data; its storage is reached like CKV_AZURE_59 says
  name                    = "${var.project_slug}-ml"
  resource_group_name     = azurerm_resource_group.main.name
  location                = var.region
  application_insights_id = azurerm_application_insights.ml.id
  key_vault_id            = azurerm_key_vault.ml.id
  storage_account_id      = azurerm_storage_account.ml.id
  tags                    = local.tags

  identity {
    type = "SystemAssigned"
  }
}
{%- endif %}
