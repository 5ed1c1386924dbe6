terraform {
  required_version = "1.12.2"

  required_providers {
{%- if cookiecutter.cloud == 'aws' %}
    aws = {
      source  = "hashicorp/aws"
      version = "6.49.0"
    }
    null = {
      source  = "hashicorp/null"
      version = "3.2.4"
    }
    random = {
      source  = "hashicorp/random"
      version = "3.7.2"
    }
{%- elif cookiecutter.cloud == 'gcp' %}
    google = {
      source  = "hashicorp/google"
      version = "7.10.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "7.10.0"
    }
{%- elif cookiecutter.cloud == 'azure' %}
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "4.81.0"
    }
{%- endif %}
    github = {
      source  = "integrations/github"
      version = "6.6.0"
    }
  }

  # The state lives in a bucket made once by hand (see README.md), never in git.
{%- if cookiecutter.cloud == 'aws' %}
  backend "s3" {
    bucket       = "{{ cookiecutter.__tfstate }}"
    key          = "{{ cookiecutter.project_slug }}/terraform.tfstate"
    region       = "{{ cookiecutter.region }}"
    encrypt      = true
    use_lockfile = true
  }
{%- elif cookiecutter.cloud == 'gcp' %}
  backend "gcs" {
    bucket = "{{ cookiecutter.__tfstate }}"
    prefix = "{{ cookiecutter.project_slug }}"
  }
{%- elif cookiecutter.cloud == 'azure' %}
  backend "azurerm" {
    resource_group_name  = "{{ cookiecutter.__tfstate }}"
    storage_account_name = "{{ cookiecutter.__azure_tfstate_account }}"
    container_name       = "tfstate"
    key                  = "{{ cookiecutter.project_slug }}.tfstate"
    use_oidc             = true
    use_azuread_auth     = true
  }
{%- endif %}
}
