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
# OIDC issuer for the service account in deploy/base/service-account.yaml, and
# the capture sink's write-only identity, for the service account in
# deploy/base/capture-service-account.yaml: it adds KServe's request log under
# <remote>/monitoring/kserve/ and can read, list or delete nothing.
# `pins identity` puts `terraform output serving_service_account_annotations`
# and `capture_service_account_annotations` on those accounts.
{%- else %}
# Managed endpoints: the staging and production identities deploy, and the
# endpoint service reads the serving copies they write under <remote>/serving/.
{%- endif %}
locals {
  # The environments whose identities deploy to a managed endpoint.
  deploy_environments = {{ '["staging", "production"]' if cookiecutter.deploy_target == 'managed' else '[]' }}
  # The Kubernetes names of deploy/ start with the slug cut to 46 characters (as
  # cookiecutter's __k8s_name), so that namespaces <name>-<environment> fit in 63.
  kubernetes_name = replace(substr(var.project_slug, 0, 46), "/-+$/", "")
  model_readers = {
    for environment in ["staging", "production"] : environment => {
      namespace = "${local.kubernetes_name}-${environment}"
      name      = "${local.kubernetes_name}-model-reader"
    }
  }
  # The capture sink of each overlay's namespace (deploy/base/capture-sink.yaml).
  capture_writers = {
    for environment in ["staging", "production"] : environment => {
      namespace = "${local.kubernetes_name}-${environment}"
      name      = "${local.kubernetes_name}-capture-writer"
    }
  }
  capture_folder = "monitoring/kserve/"
}
{%- if cookiecutter.cloud == 'aws' and cookiecutter.deploy_target == 'kserve' %}

locals {
  deploy_policy_arns = {}
  dvc_folder_writers = { capture = local.capture_folder }
}

module "serving_identity" {
{{- tag_pin() }}
  source = "{{ src }}aws-serving-identity{{ ref }}"
  count  = var.eks_oidc_provider_arn != null || var.eks_pod_identity_cluster_name != null ? 1 : 0

  name                      = "${local.name_prefix}-serving"
  oidc_provider_arn         = var.eks_oidc_provider_arn
  oidc_issuer               = var.eks_oidc_provider_arn == null ? null : split("oidc-provider/", var.eks_oidc_provider_arn)[1]
  pod_identity_cluster_name = var.eks_pod_identity_cluster_name
  service_accounts          = local.model_readers
  policy_arns               = { dvc-read = module.dvc_remote.read_policy_arn }
  permissions_boundary_arn  = aws_iam_policy.boundary.arn
  tags                      = local.tags
}

module "capture_identity" {
{{- tag_pin() }}
  source = "{{ src }}aws-serving-identity{{ ref }}"
  count  = var.eks_oidc_provider_arn != null || var.eks_pod_identity_cluster_name != null ? 1 : 0

  name                      = "${local.name_prefix}-capture"
  description               = "Capture sink: adds KServe's request log under monitoring/kserve/ of the DVC remote, nothing else"
  oidc_provider_arn         = var.eks_oidc_provider_arn
  oidc_issuer               = var.eks_oidc_provider_arn == null ? null : split("oidc-provider/", var.eks_oidc_provider_arn)[1]
  pod_identity_cluster_name = var.eks_pod_identity_cluster_name
  service_accounts          = local.capture_writers
  policy_arns               = { capture = module.dvc_remote.folder_write_policy_arns["capture"] }
  permissions_boundary_arn  = aws_iam_policy.boundary.arn
  tags                      = local.tags
}
{%- elif cookiecutter.cloud == 'aws' %}

locals {
  deploy_policy_arns = { for environment in local.deploy_environments : environment => { deploy = aws_iam_policy.deploy[environment].arn } }
  # SageMaker's data capture writes as the execution role (below), not through a folder policy.
  dvc_folder_writers = {}
  # The names managed CD gives (managed/common.py, fit()): a name over its limit
  # becomes its start, a dash and the first 8 hex digits of its sha256. Each
  # environment's endpoint (SageMaker: 63), and the prefix of its models and
  # endpoint configs (43, so that "-<release 12>-canary" still fits in 63).
  sagemaker_endpoints = {
    for environment, name in { for environment in local.deploy_environments : environment => "${var.project_slug}-${environment}" } :
    environment => length(name) <= 63 ? name : "${replace(substr(name, 0, 54), "/-+$/", "")}-${substr(sha256(name), 0, 8)}"
  }
  sagemaker_versions = {
    for environment, name in local.sagemaker_endpoints :
    environment => length(name) <= 43 ? name : "${replace(substr(name, 0, 34), "/-+$/", "")}-${substr(sha256(name), 0, 8)}"
  }
  # Inside infra's IAM scope <name_prefix>-* (main.tf), in IAM's 64 characters.
  sagemaker_role_name = "${local.name_prefix}-sagemaker"
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
  name                 = local.sagemaker_role_name
  description          = "SageMaker endpoints of ${var.project_slug}: read the serving copies"
  assume_role_policy   = data.aws_iam_policy_document.sagemaker_trust.json
  permissions_boundary = aws_iam_policy.boundary.arn
}

data "aws_iam_policy_document" "sagemaker" {
  # The serving image's repository only (registry.tf).
  statement {
    sid       = "PullServingImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [module.serving_registry.repository_arn]
  }

  statement {
    sid       = "EcrToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # ModelDataSource (S3Prefix): the serving copies that managed CD staged.
  statement {
    sid       = "ListServingCopies"
    actions   = ["s3:ListBucket"]
    resources = [module.dvc_remote.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${module.dvc_remote.prefix}serving/*"]
    }
  }

  statement {
    sid       = "ReadServingCopies"
    actions   = ["s3:GetObject"]
    resources = ["${module.dvc_remote.bucket_arn}/${module.dvc_remote.prefix}serving/*"]
  }

  # DataCaptureConfig: requests and answers under <remote>/monitoring/sagemaker/.
  statement {
    sid       = "WriteDataCapture"
    actions   = ["s3:PutObject"]
    resources = ["${module.dvc_remote.bucket_arn}/${module.dvc_remote.prefix}monitoring/sagemaker/*"]
  }

  statement {
    sid       = "UseTheRemotesKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.dvc_remote.kms_key_arn]
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
      "sagemaker:DeleteEndpoint",
      "sagemaker:DeleteEndpointConfig",
      "sagemaker:DeleteModel",
      "sagemaker:UpdateEndpoint",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:endpoint/${local.sagemaker_endpoints[each.key]}",
      "arn:${data.aws_partition.current.partition}:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:endpoint-config/${local.sagemaker_versions[each.key]}-*",
      "arn:${data.aws_partition.current.partition}:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:model/${local.sagemaker_versions[each.key]}-*",
    ]
  }

  # The smoke request, to this environment's endpoint only.
  statement {
    sid       = "SmokeRequest"
    actions   = ["sagemaker:InvokeEndpoint"]
    resources = ["arn:${data.aws_partition.current.partition}:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:endpoint/${local.sagemaker_endpoints[each.key]}"]
  }

  # The clean-up lists configs and models by name (List* has no resource-level
  # permissions); it deletes only those named for this endpoint (above).
  statement {
    sid       = "FindOldVersions"
    actions   = ["sagemaker:ListEndpointConfigs", "sagemaker:ListModels"]
    resources = ["*"]
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

  name        = "${local.name_prefix}-deploy-${each.key}"
  description = "Managed CD of ${each.key}: the SageMaker endpoint ${local.sagemaker_endpoints[each.key]}"
  policy      = data.aws_iam_policy_document.deploy[each.key].json
}
{%- elif cookiecutter.cloud == 'gcp' and cookiecutter.deploy_target == 'kserve' %}

locals {
  deploy_project_roles           = {}
  deploy_project_role_conditions = {}
  deploy_grantable_roles         = []
  monitor_export_folders         = []
  # The model server loads pinned artifacts (files/md5/) and nothing else.
  dvc_folder_readers = { for identity in module.serving_identity : "serving" => { member = identity.member, folder = "files/md5/" } }
  # The capture sink creates objects under monitoring/kserve/ and nothing else.
  dvc_folder_writers = { for identity in module.capture_identity : "capture" => { member = identity.member, folder = local.capture_folder } }
}

module "serving_identity" {
{{- tag_pin() }}
  source = "{{ src }}gcp-serving-identity{{ ref }}"
  # A cluster's workload identity pool exists only once a GKE cluster with
  # Workload Identity does: binding to it earlier fails the apply.
  count = var.gke_workload_pool == null ? 0 : 1

  project_id       = var.project_id
  account_id       = "${local.prefix}-serving"
  workload_pool    = var.gke_workload_pool
  service_accounts = local.model_readers
  depends_on       = [google_project_service.apis]
}

module "capture_identity" {
{{- tag_pin() }}
  source = "{{ src }}gcp-serving-identity{{ ref }}"
  count  = var.gke_workload_pool == null ? 0 : 1

  project_id       = var.project_id
  account_id       = "${local.prefix}-capture"
  description      = "Capture sink: adds KServe's request log under monitoring/kserve/ of the DVC remote"
  workload_pool    = var.gke_workload_pool
  service_accounts = local.capture_writers
  depends_on       = [google_project_service.apis]
}
{%- elif cookiecutter.cloud == 'gcp' %}

# Vertex AI's service agent, which loads the serving copies, exists on a fresh
# project only once something asks for it: create it before granting it.
resource "google_project_service_identity" "vertex_ai" {
  provider = google-beta

  project    = var.project_id
  service    = "aiplatform.googleapis.com"
  depends_on = [google_project_service.apis]
}

# One endpoint per environment, so that each deploy identity is granted its own
# endpoint and no other. Its id is a hash of the project and display name, which
# managed CD computes the same way (managed/vertex.py, endpoint_id()) to find it:
# display names need not be unique in a project, so a name alone could find another's.
# The id is always 9 digits with no leading zero (100000000 + hash % 900000000): the Vertex
# AI API (EndpointService.CreateEndpoint, CreateEndpointRequest.endpoint_id) accepts a
# numeric id of at most 9 digits with no leading zeros, although older texts (the provider's
# and client libraries' docs) say up to 10; a 10-digit id is refused on create.
resource "google_vertex_ai_endpoint" "deploy" {
  #checkov:skip=CKV2_GCP_24:the endpoint serves copies of models the DVC remote keeps under its own CMEK; Google-managed encryption here, a customer-managed key is left to the caller
  #checkov:skip=CKV2_GCP_33:clients and managed CD reach the endpoint over its public address, and every request needs IAM; a VPC-peered endpoint is left to the caller
  for_each = toset(local.deploy_environments)

  project      = var.project_id
  location     = var.region
  name         = tostring(100000000 + parseint(substr(sha256("${var.project_id}/${var.project_slug}-${each.key}"), 0, 8), 16) % 900000000)
  display_name = "${var.project_slug}-${each.key}"
  description  = "Managed CD of ${var.project_slug} (${each.key})"
  labels       = local.tags
  depends_on   = [google_project_service.apis]
}

resource "google_vertex_ai_endpoint_iam_member" "deploy" {
  provider = google-beta
  for_each = toset(local.deploy_environments)

  project  = var.project_id
  location = var.region
  endpoint = google_vertex_ai_endpoint.deploy[each.key].name
  role     = "roles/aiplatform.user"
  member   = module.github_oidc.service_account_members[each.key]
}

# Each environment's smoke endpoint (managed/vertex_rollout.py, smoke_apart()): a public
# endpoint routes requests by its traffic split alone, so managed CD deploys a new model
# alone here for its smoke request before it takes traffic, and undeploys it again. No
# request logging: smoke requests never reach the drift monitor. Made here, like the
# serving endpoint, since the deploy identities may create no endpoint.
resource "google_vertex_ai_endpoint" "smoke" {
  #checkov:skip=CKV2_GCP_24:a new model is deployed here for one smoke request and undeployed again; Google-managed encryption, as for the serving endpoint
  #checkov:skip=CKV2_GCP_33:managed CD reaches the endpoint over its public address, and every request needs IAM
  for_each = toset(local.deploy_environments)

  project      = var.project_id
  location     = var.region
  name         = tostring(100000000 + parseint(substr(sha256("${var.project_id}/${var.project_slug}-${each.key}-smoke"), 0, 8), 16) % 900000000)
  display_name = "${var.project_slug}-${each.key}-smoke"
  description  = "Smoke requests of managed CD of ${var.project_slug} (${each.key}), before a new model takes traffic"
  labels       = local.tags
  depends_on   = [google_project_service.apis]
}

resource "google_vertex_ai_endpoint_iam_member" "smoke" {
  provider = google-beta
  for_each = toset(local.deploy_environments)

  project  = var.project_id
  location = var.region
  endpoint = google_vertex_ai_endpoint.smoke[each.key].name
  role     = "roles/aiplatform.user"
  member   = module.github_oidc.service_account_members[each.key]
}

# What deploying needs beyond the endpoint: upload a model, find the endpoint,
# delete the models it replaced. Model ids are numbers Vertex AI assigns, so
# no IAM Condition can tell this project's models from others in the project.
resource "google_project_iam_custom_role" "model_publisher" {
  project     = var.project_id
  role_id     = "${replace(local.prefix, "-", "_")}_model_publisher"
  title       = "${var.project_slug} model publisher"
  description = "Upload models to the Vertex AI registry, delete the ones a rollout replaced, find the endpoints; deploying needs the endpoint's own grant"
  permissions = [
    "aiplatform.endpoints.list",
    "aiplatform.models.delete",
    "aiplatform.models.get",
    "aiplatform.models.list",
    "aiplatform.models.upload",
  ]
}

# Keyed by environment, not by the role's id, which is known only after apply.
resource "google_project_iam_member" "model_publisher" {
  for_each = toset(local.deploy_environments)

  project = var.project_id
  role    = google_project_iam_custom_role.model_publisher.id
  member  = module.github_oidc.service_account_members[each.key]
}

locals {
  # Vertex AI logs each endpoint's requests and answers to the dataset
  # logging_<display name, dashes as underscores>_<endpoint id>, table
  # request_response_logging, which its service agent creates on the first
  # deploy; drift.yml exports the production endpoint's window from it.
  vertex_logging_dataset = "logging_${replace(google_vertex_ai_endpoint.deploy["production"].display_name, "-", "_")}_${google_vertex_ai_endpoint.deploy["production"].name}"
  vertex_logging_table   = "${var.project_id}.${local.vertex_logging_dataset}.request_response_logging"
  deploy_project_roles   = { monitoring = ["roles/bigquery.jobUser", "roles/bigquery.dataViewer"] }
  # The monitor reads that dataset alone (it need not exist at apply time).
  deploy_project_role_conditions = {
    monitoring = {
      "roles/bigquery.dataViewer" = {
        title      = "vertex-request-log-only"
        expression = "resource.name == \"projects/${var.project_id}/datasets/${local.vertex_logging_dataset}\" || resource.name.startsWith(\"projects/${var.project_id}/datasets/${local.vertex_logging_dataset}/tables/\")"
      }
    }
  }
  deploy_grantable_roles = [google_project_iam_custom_role.model_publisher.id, "roles/bigquery.dataViewer", "roles/bigquery.jobUser"]
  monitor_export_folders = ["monitoring/vertex/"]
  # The service agent lists the bucket and reads the serving copies only.
  dvc_folder_readers = { vertex-ai = { member = google_project_service_identity.vertex_ai.member, folder = "serving/" } }
  dvc_folder_writers = {}
}
{%- elif cookiecutter.cloud == 'azure' and cookiecutter.deploy_target == 'kserve' %}

locals {
  deploy_role_assignments = {}
  # The model server loads pinned artifacts (files/md5/) and nothing else.
  dvc_folder_readers = { for identity in module.serving_identity : "serving" => { principal_id = identity.principal_id, folder = "files/md5/" } }
  # The capture sink writes under monitoring/kserve/ only, and never deletes.
  dvc_folder_writers = { for identity in module.capture_identity : "capture" => { principal_id = identity.principal_id, folder = local.capture_folder } }
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

module "capture_identity" {
{{- tag_pin() }}
  source = "{{ src }}azure-serving-identity{{ ref }}"
  count  = var.aks_oidc_issuer_url == null ? 0 : 1

  name                = "${var.project_slug}-capture"
  resource_group_name = azurerm_resource_group.main.name
  location            = var.region
  oidc_issuer_url     = var.aks_oidc_issuer_url
  service_accounts    = local.capture_writers
  tags                = local.tags
}
{%- elif cookiecutter.cloud == 'azure' %}

locals {
  # One Azure ML workspace per environment: a role on a workspace reaches every
  # endpoint in it, so staging's identity must not share production's.
  ml_suffix = { staging = "stg", production = "prd" }
  deploy_role_assignments = {
    for environment in local.deploy_environments : environment => [
      { key = "azureml", scope = azurerm_machine_learning_workspace.ml[environment].id, role_definition_name = "AzureML Data Scientist" },
      # The datastores use identities: uploading a model writes blobs as the deploy identity.
      { key = "models", scope = azurerm_storage_account.ml[environment].id, role_definition_name = "Storage Blob Data Contributor" },
      # Creating the endpoint assigns it the endpoint identity (below), and that one only.
      { key = "endpoint-identity", scope = azurerm_user_assigned_identity.endpoint[environment].id, role_definition_name = "Managed Identity Operator" },
    ]
  }
  # Managed CD reads the pinned model (files/md5/) and nothing else of the remote.
  dvc_folder_readers = { for environment in local.deploy_environments : environment => { principal_id = module.github_oidc.principal_ids[environment], folder = "files/md5/" } }
  # The data collector writes through the monitoring datastore as the endpoint's
  # identity (not the workspace's): under monitoring/azureml/ and nowhere else.
  dvc_folder_writers   = { for environment in local.deploy_environments : "azureml-${environment}" => { principal_id = azurerm_user_assigned_identity.endpoint[environment].principal_id, folder = "monitoring/azureml/" } }
  monitoring_datastore = "dvc_monitoring"
  # Names that fit Azure's limits for any slug, cut as managed CD's fit() cuts:
  # the start, a dash, 8 hex digits of the whole name's sha256 (workspaces take
  # 33 characters, Log Analytics workspaces 63).
  ml_workspace_names = {
    for environment, name in { for environment in local.deploy_environments : environment => "${var.project_slug}-ml-${environment}" } :
    environment => length(name) <= 33 ? name : "${replace(substr(name, 0, 24), "/-+$/", "")}-${substr(sha256(name), 0, 8)}"
  }
  ml_logs_name = length("${var.project_slug}-ml-logs") <= 63 ? "${var.project_slug}-ml-logs" : "${replace(substr("${var.project_slug}-ml-logs", 0, 54), "/-+$/", "")}-${substr(sha256("${var.project_slug}-ml-logs"), 0, 8)}"
  # The online endpoint that managed CD deploys to in each workspace (managed/common.py,
  # azureml_endpoint()). Its name "needs to be unique at the Azure region level" (the
  # scoring URI is https://<name>.<region>.inference.ml.azure.com) and takes 3 to 32
  # letters, digits and dashes, starting with a letter:
  # https://learn.microsoft.com/azure/machine-learning/reference-yaml-endpoint-online and
  # https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas (endpoint
  # limits). So <slug cut to 19>-<stg|prd>-<8 hex digits of the sha256 of its resource id
  # as if named <slug>-<environment>, lower case>: the same slug of another organisation
  # or another clone, in the same region, gives another name.
  azureml_workspace_ids   = { for environment in local.deploy_environments : environment => azurerm_machine_learning_workspace.ml[environment].id }
  azureml_endpoint_prefix = replace(substr(var.project_slug, 0, 19), "/-+$/", "")
  azureml_endpoints = {
    for environment, workspace in local.azureml_workspace_ids :
    environment => "${local.azureml_endpoint_prefix}-${local.ml_suffix[environment]}-${substr(sha256(lower("${workspace}/onlineEndpoints/${var.project_slug}-${environment}")), 0, 8)}"
  }
}

data "azurerm_client_config" "current" {}

resource "azurerm_log_analytics_workspace" "ml" {
  name                = local.ml_logs_name
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
  for_each = toset(local.deploy_environments)

  name                       = "{{ cookiecutter.__azure_key_vault }}-${local.ml_suffix[each.key]}"
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
  #checkov:skip=CKV2_AZURE_41:shared keys are disabled, so no SAS can be signed with them
  #checkov:skip=CKV2_AZURE_38:run artifacts are reproducible from git and the DVC remote; soft delete stays at the account default
  #checkov:skip=CKV_AZURE_206:run artifacts are reproducible; locally redundant storage is enough
  for_each = toset(local.deploy_environments)

  name                              = "{{ cookiecutter.__azure_ml_storage }}${local.ml_suffix[each.key]}"
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
  # No account key to read from the state or to list: Entra ID only (the
  # workspace's datastores authenticate as identities, below).
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  local_user_enabled              = false
  tags                            = local.tags

  sas_policy {
    expiration_period = "00.01:00:00"
    expiration_action = "Log"
  }
}

resource "azurerm_machine_learning_workspace" "ml" {
  #checkov:skip=CKV_AZURE_144:managed CD deploys from GitHub-hosted runners over the workspace's public endpoint, with Entra ID
  #checkov:skip=CKV_AZURE_145:the workspace is encrypted with Microsoft-managed keys; a customer-managed key is left to the caller
  #checkov:skip=CKV2_AZURE_50:the workspace holds serving copies of models the DVC remote keeps anyway, not high-business-impact data; its storage is reached like CKV_AZURE_59 says
  for_each = toset(local.deploy_environments)

  name                    = local.ml_workspace_names[each.key]
  resource_group_name     = azurerm_resource_group.main.name
  location                = var.region
  application_insights_id = azurerm_application_insights.ml.id
  key_vault_id            = azurerm_key_vault.ml[each.key].id
  storage_account_id      = azurerm_storage_account.ml[each.key].id
  # The default datastores use Entra ID, not the account key (shared keys are off).
  storage_account_access_type = "identity"
  tags                        = local.tags

  identity {
    type = "SystemAssigned"
  }
}

# The datastore that the deployments' data collector writes through
# (AZUREML_MONITORING_DATASTORE): the DVC container, reached with the workspace's
# identity (no account key: shared keys are off), which may write under
# monitoring/azureml/ only (dvc_folder_writers).
resource "azurerm_machine_learning_datastore_blobstorage" "monitoring" {
  for_each = toset(local.deploy_environments)

  name                       = local.monitoring_datastore
  workspace_id               = azurerm_machine_learning_workspace.ml[each.key].id
  storage_container_id       = module.dvc_remote.container_id
  service_data_auth_identity = "WorkspaceSystemAssignedIdentity"
  description                = "The DVC remote: the data collector writes under monitoring/azureml/"
}

# The identity each environment's online endpoint runs as (AZUREML_ENDPOINT_IDENTITY):
# its data collector writes as it, so it, not the workspace, may write under
# monitoring/azureml/ (dvc_folder_writers). It pulls the serving image (AcrPull,
# registry.tf) and reads the models that managed CD registers in its workspace;
# it reads nothing of the DVC remote (managed CD fetches files/md5/ as the deploy
# identity and registers the model).
resource "azurerm_user_assigned_identity" "endpoint" {
  for_each = toset(local.deploy_environments)

  name                = "${var.project_slug}-endpoint-${each.key}"
  resource_group_name = azurerm_resource_group.main.name
  location            = var.region
  tags                = local.tags
}

# `az ml model create` uploads to the workspace's default datastore, the container
# azureml-blobstore-<workspace id> of its storage account: the endpoint lists and
# reads blobs of that container alone.
resource "azurerm_role_assignment" "endpoint_models" {
  for_each = toset(local.deploy_environments)

  scope                = azurerm_storage_account.ml[each.key].id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.endpoint[each.key].principal_id
  principal_type       = "ServicePrincipal"
  condition_version    = "2.0"
  condition            = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'azureml-blobstore-${azurerm_machine_learning_workspace.ml[each.key].workspace_id}'))"
}
{%- endif %}
