{%- if cookiecutter.cloud == 'aws' -%}
locals {
  # What the workflows read; github.tf sets them on the environments and the repository.
  environment_variables = { for name, arn in module.github_oidc.role_arns : name => merge({ AWS_ROLE_ARN = arn }, lookup(local.serving_image_variables, name, {})) }
  repository_variables = merge(
    {
      CT_RUNNER_LABELS   = jsonencode(module.gpu_runners.labels)
      DVC_REMOTE_ENABLED = "true"
      INFRA_ENABLED      = "true"
    },
{%- if cookiecutter.deploy_target == 'managed' %}
    { SAGEMAKER_EXECUTION_ROLE_ARN = aws_iam_role.sagemaker.arn },
{%- endif %}
  )
}

output "role_arns" {
  description = "Role that each GitHub environment assumes."
  value       = module.github_oidc.role_arns
}

output "dvc_bucket" {
  description = "Bucket of the DVC remote."
  value       = module.dvc_remote.bucket_name
}

output "runner_webhook_endpoint" {
  description = "Webhook URL of the GitHub App that starts the GPU runners."
  value       = module.gpu_runners.webhook_endpoint
}
{%- if cookiecutter.deploy_target == 'kserve' %}

output "serving_service_account_annotations" {
  description = "Annotations for deploy/base/service-account.yaml: the model server's read-only role (empty until the EKS inputs are set)."
  value       = merge([for identity in module.serving_identity : identity.service_account_annotations]...)
}

output "capture_service_account_annotations" {
  description = "Annotations for deploy/base/capture-service-account.yaml: the capture sink's write-only role (empty until the EKS inputs are set)."
  value       = merge([for identity in module.capture_identity : identity.service_account_annotations]...)
}
{%- else %}

output "sagemaker_execution_role_arn" {
  description = "Execution role of the SageMaker endpoints (the repository variable SAGEMAKER_EXECUTION_ROLE_ARN)."
  value       = aws_iam_role.sagemaker.arn
}
{%- endif %}
{%- elif cookiecutter.cloud == 'gcp' -%}
locals {
  # What the workflows read; github.tf sets them on the environments and the repository.
  environment_variables = {
    for name, email in module.github_oidc.service_account_emails : name => merge(
      {
        GCP_WORKLOAD_IDENTITY_PROVIDER = module.github_oidc.workload_identity_provider
        GCP_SERVICE_ACCOUNT            = email
      },
      lookup(local.serving_image_variables, name, {}),
    )
  }
  repository_variables = {
    CT_RUNNER_LABELS       = jsonencode(module.gpu_runners.labels)
    GPU_INSTANCE_TEMPLATES = jsonencode(module.gpu_runners.instance_templates)
    GPU_ZONES              = jsonencode(module.gpu_runners.zones)
    GPU_RUNNER_NAME_PREFIX = module.gpu_runners.runner_name_prefix
    DVC_REMOTE_ENABLED     = "true"
    INFRA_ENABLED          = "true"
{%- if cookiecutter.deploy_target == 'managed' %}
    VERTEX_LOGGING_TABLE   = local.vertex_logging_table
{%- endif %}
  }
}

output "service_account_emails" {
  description = "Service account that each GitHub environment impersonates."
  value       = module.github_oidc.service_account_emails
}

output "workload_identity_provider" {
  description = "Workload identity provider of the GitHub workflows."
  value       = module.github_oidc.workload_identity_provider
}

output "dvc_bucket" {
  description = "Bucket of the DVC remote."
  value       = module.dvc_remote.bucket_name
}

output "gpu_instance_templates" {
  description = "Instance templates of the GPU runners: spot first, on-demand as the fallback."
  value       = module.gpu_runners.instance_templates
}
{%- if cookiecutter.deploy_target == 'kserve' %}

output "serving_service_account_annotations" {
  description = "Annotations for deploy/base/service-account.yaml: the model server's read-only Google service account (empty until gke_workload_pool is set)."
  value       = merge([for identity in module.serving_identity : identity.service_account_annotations]...)
}

output "capture_service_account_annotations" {
  description = "Annotations for deploy/base/capture-service-account.yaml: the capture sink's write-only Google service account (empty until gke_workload_pool is set)."
  value       = merge([for identity in module.capture_identity : identity.service_account_annotations]...)
}
{%- endif %}
{%- elif cookiecutter.cloud == 'azure' -%}
locals {
  # What the workflows read; github.tf sets them on the environments and the repository.
  environment_variables = {
    for name, client_id in module.github_oidc.client_ids : name => merge(
      {
        AZURE_CLIENT_ID       = client_id
        AZURE_TENANT_ID       = module.github_oidc.tenant_id
        AZURE_SUBSCRIPTION_ID = module.github_oidc.subscription_id
        AZURE_STORAGE_ACCOUNT = module.dvc_remote.storage_account_name
      },
      lookup(local.serving_image_variables, name, {}),
{%- if cookiecutter.deploy_target == 'managed' %}
      # Each deploying environment's own workspace (an environment's variable
      # wins over a repository variable of the same name).
      { for environment, workspace in azurerm_machine_learning_workspace.ml : "AZUREML_WORKSPACE" => workspace.name if environment == name },
      { for environment, datastore in azurerm_machine_learning_datastore_blobstorage.monitoring : "AZUREML_MONITORING_DATASTORE" => datastore.name if environment == name },
      # The identity the environment's endpoint runs as (its resource id).
      { for environment, identity in azurerm_user_assigned_identity.endpoint : "AZUREML_ENDPOINT_IDENTITY" => identity.id if environment == name },
{%- endif %}
    )
  }
  repository_variables = merge(
    {
      DVC_REMOTE_ENABLED = "true"
      INFRA_ENABLED      = "true"
    },
{%- if cookiecutter.deploy_target == 'managed' %}
    { AZUREML_RESOURCE_GROUP = azurerm_resource_group.main.name },
{%- endif %}
  )
}

output "client_ids" {
  description = "Managed identity that each GitHub environment signs in as."
  value       = module.github_oidc.client_ids
}

output "dvc_storage_account" {
  description = "Storage account of the DVC remote."
  value       = module.dvc_remote.storage_account_name
}
{%- if cookiecutter.deploy_target == 'managed' %}

output "azureml_endpoints" {
  description = "The online endpoint that managed CD deploys to, per environment: unique in the region (the slug's start, stg or prd, a hash of its workspace's id)."
  value       = local.azureml_endpoints
}
{%- endif %}
{%- if cookiecutter.deploy_target == 'kserve' %}

output "serving_service_account_annotations" {
  description = "Annotations for deploy/base/service-account.yaml: the model server's workload identity (empty until aks_oidc_issuer_url is set)."
  value       = merge([for identity in module.serving_identity : identity.service_account_annotations]...)
}

output "capture_service_account_annotations" {
  description = "Annotations for deploy/base/capture-service-account.yaml: the capture sink's write-only workload identity (empty until aks_oidc_issuer_url is set)."
  value       = merge([for identity in module.capture_identity : identity.service_account_annotations]...)
}
{%- endif %}
{%- endif %}

output "github_environment_variables" {
  description = "Variables of each GitHub environment (github.tf sets them)."
  value       = local.environment_variables
}

output "github_repository_variables" {
  description = "Repository variables the workflows read (github.tf sets them)."
  value       = local.repository_variables
}

output "serving_image_repository" {
  description = "Where serve-image.yml pushes the serving image (the serving-image environment's variable SERVING_IMAGE_REPOSITORY)."
  value       = local.serving_image_repository
}

output "dvc_remote_url" {
  description = "The DVC remote; .dvc/config names the same URL."
  value       = module.dvc_remote.url
}
{%- if cookiecutter.cloud in ['aws', 'gcp'] %}

output "runner_labels" {
  description = "Labels of the ephemeral GPU runners, for runs-on in the ct workflow."
  value       = module.gpu_runners.labels
}
{%- endif %}

output "cuda_version" {
  description = "CUDA of the GPU runners; equals the training image's and the torch wheel's."
  value       = var.cuda_version
}
