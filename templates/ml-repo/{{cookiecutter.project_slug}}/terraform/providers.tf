{%- if cookiecutter.cloud == 'aws' -%}
provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}
{%- elif cookiecutter.cloud == 'gcp' -%}
provider "google" {
  project        = var.project_id
  region         = var.region
  default_labels = local.tags
}

# Only for what the GA provider lacks: the Vertex AI service agent and endpoint IAM.
provider "google-beta" {
  project        = var.project_id
  region         = var.region
  default_labels = local.tags
}
{%- elif cookiecutter.cloud == 'azure' -%}
provider "azurerm" {
  features {}

  use_oidc            = true
  storage_use_azuread = true
}
{%- endif %}
