{%- if cookiecutter.cloud == 'aws' -%}
output "github_environment_variables" {
  description = "Variables to set on each GitHub environment (Settings > Environments) after apply."
  value       = { for name, arn in module.github_oidc.role_arns : name => { AWS_ROLE_ARN = arn } }
}

output "github_repository_variables" {
  description = "Repository variables to set after apply (Settings > Secrets and variables > Actions)."
  value = {
    CT_RUNNER_LABELS = jsonencode(module.gpu_runners.labels)
  }
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
{%- elif cookiecutter.cloud == 'gcp' -%}
output "github_environment_variables" {
  description = "Variables to set on each GitHub environment (Settings > Environments) after apply."
  value = {
    for name, email in module.github_oidc.service_account_emails : name => {
      GCP_WORKLOAD_IDENTITY_PROVIDER = module.github_oidc.workload_identity_provider
      GCP_SERVICE_ACCOUNT            = email
    }
  }
}

output "github_repository_variables" {
  description = "Repository variables to set after apply (Settings > Secrets and variables > Actions)."
  value = {
    CT_RUNNER_LABELS       = jsonencode(module.gpu_runners.labels)
    GPU_INSTANCE_TEMPLATES = jsonencode(module.gpu_runners.instance_templates)
    GPU_ZONES              = jsonencode(module.gpu_runners.zones)
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
{%- elif cookiecutter.cloud == 'azure' -%}
output "github_environment_variables" {
  description = "Variables to set on each GitHub environment (Settings > Environments) after apply."
  value = {
    for name, client_id in module.github_oidc.client_ids : name => {
      AZURE_CLIENT_ID       = client_id
      AZURE_TENANT_ID       = module.github_oidc.tenant_id
      AZURE_SUBSCRIPTION_ID = module.github_oidc.subscription_id
      AZURE_STORAGE_ACCOUNT = module.dvc_remote.storage_account_name
    }
  }
}

output "client_ids" {
  description = "Managed identity that each GitHub environment signs in as."
  value       = module.github_oidc.client_ids
}

output "dvc_storage_account" {
  description = "Storage account of the DVC remote."
  value       = module.dvc_remote.storage_account_name
}
{%- endif %}

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
