{%- set src = cookiecutter.terraform_module_source ~ '//terraform/modules/' -%}
{%- set ref = '?ref=' ~ cookiecutter.terraform_module_ref -%}
{%- set module_ref = cookiecutter.terraform_module_ref -%}
{%- set by_sha = module_ref | length == 40 and module_ref.strip('0123456789abcdef') == '' -%}
# The serving image's registry: serve-image.yml builds serve/Dockerfile and
# pushes it here as the serving-image environment's identity (main.tf), which
# may push to this one repository and nothing else; the variable
# SERVING_IMAGE_REPOSITORY (below, set by github.tf) names it. Tags are
# immutable and the deploy pins name the image by digest.
{%- if cookiecutter.deploy_target == 'kserve' %}
# The cluster's nodes pull the KServe runtime's image (the kubelet, not the
# model server's workload identity): give their identity below.
{%- elif cookiecutter.cloud == 'aws' %}
# SageMaker pulls as the endpoints' execution role (serving.tf).
{%- elif cookiecutter.cloud == 'gcp' %}
# Vertex AI pulls as its service agent (serving.tf).
{%- else %}
# Azure ML pulls as each workspace's identity and each endpoint's (serving.tf).
{%- endif %}
module "serving_registry" {
{%- if not by_sha %}
  #checkov:skip=CKV_TF_1:pinned to the release tag {{ module_ref }} chosen when the repository was generated; set terraform_module_ref to a commit to pin by hash
{%- elif module_ref == cookiecutter._mlrig_release.commit %}
  # mlrig v{{ cookiecutter._mlrig_release.version }}
{%- endif %}
{%- if cookiecutter.cloud == 'aws' %}
  source = "{{ src }}aws-serving-registry{{ ref }}"

  name = "${local.name_prefix}-serve"
{%- if cookiecutter.deploy_target == 'kserve' %}
  # The repository policy lets the EKS node role pull (the kubelet pulls the image).
  puller_arns = var.eks_node_role_arns
{%- endif %}

  tags = local.tags
}
{%- elif cookiecutter.cloud == 'gcp' %}
  source = "{{ src }}gcp-serving-registry{{ ref }}"

  project_id     = var.project_id
  location       = var.region
  repository_id  = "${local.prefix}-images"
  image_name     = "${var.project_slug}-serve"
  pusher_members = { serving-image = module.github_oidc.service_account_members["serving-image"] }
{%- if cookiecutter.deploy_target == 'kserve' %}
  # The GKE nodes' service account pulls the image (the kubelet, not Workload Identity).
  puller_members = merge(
    { for member in var.gke_node_members : member => member },
    { for name in local.image_verifiers : "verify-${name}" => module.github_oidc.service_account_members[name] },
  )
{%- else %}
  puller_members = merge(
    { vertex-ai = google_project_service_identity.vertex_ai.member },
    { for name in local.image_verifiers : "verify-${name}" => module.github_oidc.service_account_members[name] },
  )
{%- endif %}

  labels     = local.tags
  depends_on = [google_project_service.apis]
}
{%- elif cookiecutter.cloud == 'azure' %}
  source = "{{ src }}azure-serving-registry{{ ref }}"

  name                 = "{{ cookiecutter.__azure_registry }}"
  image_name           = "${var.project_slug}-serve"
  resource_group_name  = azurerm_resource_group.main.name
  location             = var.region
  pusher_principal_ids = { serving-image = module.github_oidc.principal_ids["serving-image"] }
{%- if cookiecutter.deploy_target == 'kserve' %}
  # The AKS kubelet identity pulls the image (not the pods' workload identity).
  puller_principal_ids = merge(
    var.aks_kubelet_principal_id == null ? {} : { aks-kubelet = var.aks_kubelet_principal_id },
    { for name in local.image_verifiers : "verify-${name}" => module.github_oidc.principal_ids[name] },
  )
{%- else %}
  puller_principal_ids = merge(
    { for environment, workspace in azurerm_machine_learning_workspace.ml : "azureml-${environment}" => workspace.identity[0].principal_id },
    # The online endpoints pull as the identity they run as (serving.tf).
    { for environment, identity in azurerm_user_assigned_identity.endpoint : "endpoint-${environment}" => identity.principal_id },
    { for name in local.image_verifiers : "verify-${name}" => module.github_oidc.principal_ids[name] },
  )
{%- endif %}

  tags = local.tags
}
{%- endif %}

locals {
  serving_image_repository = module.serving_registry.{{ 'repository_url' if cookiecutter.cloud == 'aws' else 'image' }}
  # The serving image's pusher: only serve-image.yml, from main or from a pull request
  # of this repository (its merge ref; a fork's run gets no token). Azure cannot pin
  # the workflow file: there the environment's subject alone is trusted.
  serving_image_workflows = [
    "${var.repository}/.github/workflows/serve-image.yml@refs/heads/main",
    "${var.repository}/.github/workflows/serve-image.yml@refs/pull/*/merge",
  ]
  # The environments whose jobs verify a pinned image's attestation (`gh attestation verify`
  # reads the digest from the registry, so they sign in to it and may pull, nothing more):
  # {% if cookiecutter.deploy_target == 'managed' %}cd.yml's deploy job, before it deploys{% else %}verify-image.yml, on pull requests that change a pin and on main{% endif %}.
  image_verifiers = {{ '["staging", "production"]' if cookiecutter.deploy_target == 'managed' else '["ci"]' }}
  # What serve-image.yml reads besides its identity's variables (outputs.tf).
  serving_image_variables = { serving-image = { SERVING_IMAGE_REPOSITORY = local.serving_image_repository } }
}
