{%- set src = cookiecutter.terraform_module_source ~ '//terraform/modules/' -%}
{%- set ref = '?ref=' ~ cookiecutter.terraform_module_ref -%}
{%- set remote = cookiecutter.dvc_remote_url.split('://')[-1].split('/')[0] -%}
{%- set remote_path = (cookiecutter.dvc_remote_url.split('://')[-1].split('/', 1) + [''])[1].strip('/') -%}
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
#   infra-plan  terraform plan on pull requests: reads the state and what a
#               plan refreshes, never the DVC data or the runner App's key
#   infra       terraform apply from main, only from infra.yml (required reviewers)
#   training    continuous training: the only identity that pushes to the DVC remote
#   monitoring, ci, staging, production   pull from the DVC remote
#               (with deploy_target 'managed', staging and production also deploy)
#   serving-image  serve-image.yml from main and from this repository's pull
#               requests: pushes the serving image to its registry (registry.tf),
#               and nothing else
# Subjects name the repository by its numeric ids (github.tf sets the matching
# OIDC subject template), and github.tf creates the environments themselves.
locals {
  tags = {
    # GCP label values take 63 characters.
    project    = substr(var.project_slug, 0, 63)
    managed-by = "terraform"
  }
  dvc_readers    = ["monitoring", "ci", "staging", "production"]
  infra_workflow = "${var.repository}/.github/workflows/infra.yml"
{%- if cookiecutter.cloud == 'aws' %}
  # Every AWS name here and in mlrig's modules is <name_prefix>-<what>, and infra's
  # IAM scope is <name_prefix>-*: the slug, or over 34 characters its start, a dash
  # and 8 hex digits of its sha256 (managed CD's fit()), so that the longest name,
  # the runner module's EventBridge archive <prefix>-github-events, fits in 48.
  name_prefix = length(var.project_slug) <= 34 ? var.project_slug : "${replace(substr(var.project_slug, 0, 25), "/-+$/", "")}-${substr(sha256(var.project_slug), 0, 8)}"
{%- elif cookiecutter.cloud == 'gcp' %}
  prefix         = trimsuffix(substr(var.project_slug, 0, 16), "-")
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
  repository_id        = var.github_repository_id
  repository_owner_id  = var.github_owner_id
  name_prefix          = local.name_prefix
  create_oidc_provider = var.github_oidc_provider_arn == null
  oidc_provider_arn    = var.github_oidc_provider_arn
  # Every role but infra (which hands the boundary out) is held to it.
  permissions_boundary_arn = aws_iam_policy.boundary.arn
  identities = merge(
    { for name in local.dvc_readers : name => {
      environment = name
      # The image verifiers (registry.tf) may also pull the serving image.
      policy_arns = merge(lookup(local.deploy_policy_arns, name, {}), contains(local.image_verifiers, name) ? { pull = module.serving_registry.pull_policy_arn } : {})
    } },
    {
      infra-plan = {
        environment   = "infra-plan"
        workflow_refs = ["${local.infra_workflow}@refs/pull/*/merge"]
        policy_arns   = { plan = aws_iam_policy.plan.arn }
      }
      infra = {
        environment         = "infra"
        bounded             = false
        workflow_refs       = ["${local.infra_workflow}@refs/heads/main"]
        managed_policy_arns = ["${local.policy_prefix}/PowerUserAccess"]
        policy_arns         = { project-iam = aws_iam_policy.infra_iam.arn }
      }
      training = { environment = "training" }
      # No DVC data: the serving image's repository alone (registry.tf).
      serving-image = {
        environment   = "serving-image"
        workflow_refs = local.serving_image_workflows
        policy_arns   = { push = module.serving_registry.push_policy_arn }
      }
    },
  )
  tags = local.tags
}

module "dvc_remote" {
{{- pin_note() }}
  source = "{{ src }}aws-dvc-remote{{ ref }}"

  bucket_name = "{{ remote }}"
  path        = "{{ remote_path }}"
  # Its policies (<prefix>-dvc-read, ...) in infra's IAM scope, whatever the bucket's name.
  policy_name_prefix = "${local.name_prefix}-dvc"
  # Only the training environment's OIDC role writes; the runner instances get no data access.
  writer_role_names    = [module.github_oidc.role_names["training"]]
  reader_role_names    = [for name in local.dvc_readers : module.github_oidc.role_names[name] if !contains(concat(local.deploy_environments, ["monitoring"]), name)]
  publisher_role_names = [for name in local.deploy_environments : module.github_oidc.role_names[name]]
  # drift.yml: reads the captured window and pushes it when it registers it.
  monitor_role_names = [module.github_oidc.role_names["monitoring"]]
  # The capture sink adds KServe's request log under monitoring/kserve/ (serving.tf).
  folder_writers = local.dvc_folder_writers
  tags           = local.tags
}

# Spot requests need the account's EC2 Spot service-linked role, which a fresh
# account lacks; the scale-up lambda cannot create it (the boundary denies it
# any IAM write), so this configuration does. An account holds only one: where
# it exists, import it or set create_spot_service_linked_role = false (README.md).
resource "aws_iam_service_linked_role" "spot" {
  count = var.create_spot_service_linked_role ? 1 : 0

  aws_service_name = "spot.amazonaws.com"
  description      = "EC2 Spot requests of the GPU runners"
  tags             = local.tags
}

module "gpu_runners" {
{{- pin_note() }}
  source = "{{ src }}aws-gpu-runners{{ ref }}"

  prefix                    = local.name_prefix
  aws_region                = var.region
  vpc_id                    = var.vpc_id
  subnet_ids                = var.subnet_ids
  repository                = var.repository
  github_app_ssm_parameters = local.github_app_ssm_parameters
  lambda_zip_dir            = "${path.root}/lambdas"
  instance_types            = [var.gpu_instance_type]
  cuda_version              = var.cuda_version
  max_lifetime_minutes      = var.runner_max_lifetime_minutes
  iam_path                  = local.runner_iam_path
  permissions_boundary_arn  = aws_iam_policy.boundary.arn
  tags                      = local.tags
  depends_on                = [aws_iam_service_linked_role.spot]
}
{%- elif cookiecutter.cloud == 'gcp' %}

module "github_oidc" {
{{- pin_note() }}
  source = "{{ src }}gcp-github-oidc{{ ref }}"

  project_id          = var.project_id
  repository          = var.repository
  repository_id       = var.github_repository_id
  repository_owner_id = var.github_owner_id
  name_prefix         = local.prefix
  pool_id             = "${local.prefix}-github"
  identities = merge(
    {
      for name in local.dvc_readers : name => {
        environment             = name
        project_roles           = lookup(local.deploy_project_roles, name, [])
        project_role_conditions = lookup(local.deploy_project_role_conditions, name, {})
      }
    },
    {
      # The gets a refresh calls (access.tf), by the role's name: its id is
      # known only once the role exists. Neither the DVC data nor a VM's
      # metadata; the state bucket is granted in access.tf.
      infra-plan = {
        environment   = "infra-plan"
        workflow_refs = ["${local.infra_workflow}@refs/pull/*"]
        project_roles = ["projects/${var.project_id}/roles/${google_project_iam_custom_role.plan.role_id}"]
      }
      infra = {
        environment   = "infra"
        workflow_refs = ["${local.infra_workflow}@refs/heads/main"]
        project_roles = concat(local.infra_project_roles, ["roles/resourcemanager.projectIamAdmin"])
        # It grants on the project only the roles this configuration grants to
        # other identities: never an IAM admin role, never one it holds itself.
        project_role_conditions = {
          "roles/resourcemanager.projectIamAdmin" = {
            title      = "grants-of-this-configuration-only"
            expression = "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(${jsonencode(local.infra_grantable_roles)})"
          }
        }
      }
      training = { environment = "training" }
      # No project role: writer on the serving image's repository alone (registry.tf).
      serving-image = {
        environment   = "serving-image"
        workflow_refs = local.serving_image_workflows
      }
    },
  )
  depends_on = [google_project_service.apis, google_project_iam_custom_role.plan]
}

module "dvc_remote" {
{{- pin_note() }}
  source = "{{ src }}gcp-dvc-remote{{ ref }}"

  project_id  = var.project_id
  bucket_name = "{{ remote }}"
  path        = "{{ remote_path }}"
  location    = var.region
  # Only the training environment's identity writes; the runner VMs get no data access.
  writer_members    = { training = module.github_oidc.service_account_members["training"] }
  reader_members    = { for name in local.dvc_readers : name => module.github_oidc.service_account_members[name] if !contains(concat(local.deploy_environments, ["monitoring"]), name) }
  publisher_members = { for name in local.deploy_environments : name => module.github_oidc.service_account_members[name] }
  # drift.yml: reads the captured window, pushes it when it registers it, and
  # (managed) exports the endpoint's request log (monitor_export_folders).
  monitor_members        = { monitoring = module.github_oidc.service_account_members["monitoring"] }
  monitor_export_folders = local.monitor_export_folders
  folder_reader_members  = local.dvc_folder_readers
  folder_writer_members  = local.dvc_folder_writers
  labels                 = local.tags
  depends_on             = [google_project_service.apis]
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
  launcher_members     = { training = module.github_oidc.service_account_members["training"] }
  labels               = local.tags
  depends_on           = [google_project_service.apis]
}
{%- elif cookiecutter.cloud == 'azure' %}

locals {
  # The state's container (made by hand, README.md). With shared keys off the
  # backend reads the state blob, and takes a lease on it to lock, as the job's
  # identity: a data role is needed besides any control-plane role.
  state_container = "${var.subscription_scope}/resourceGroups/{{ cookiecutter.__tfstate }}/providers/Microsoft.Storage/storageAccounts/{{ cookiecutter.__azure_tfstate_account }}/blobServices/default/containers/tfstate"
}

resource "azurerm_resource_group" "main" {
  # Resource group names take 90 characters: longer, the start and a hash, as fit() cuts.
  name     = length(var.project_slug) <= 90 ? var.project_slug : "${replace(substr(var.project_slug, 0, 81), "/-+$/", "")}-${substr(sha256(var.project_slug), 0, 8)}"
  location = var.region
  tags     = local.tags
}

# The roles infra may assign and remove (its RBAC Administrator condition), to
# service principals only: those this configuration gives the other identities.
# Never its own roles: those, and infra-plan's, change when an administrator
# applies (README.md).
data "azurerm_role_definition" "assignable" {
  for_each = toset(local.infra_assignable_roles)

  name = each.value
}

locals {
  infra_assignable_roles = ["AcrPull", "AcrPush", "Storage Blob Data Contributor", "Storage Blob Data Reader"{% if cookiecutter.deploy_target == 'managed' %}, "AzureML Data Scientist", "Managed Identity Operator"{% endif %}]
  infra_assignable_ids   = join(", ", [for role in data.azurerm_role_definition.assignable : role.role_definition_id])
  infra_rbac_condition = join(" AND ", [
    for action, attributes in { write = "Request", delete = "Resource" } : join("", [
      "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/${action}'})) OR ",
      "(@${attributes}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${local.infra_assignable_ids}} AND ",
      "@${attributes}[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}))",
    ])
  ])
}

module "github_oidc" {
{{- pin_note() }}
  source = "{{ src }}azure-github-oidc{{ ref }}"

  repository          = var.repository
  repository_id       = var.github_repository_id
  repository_owner_id = var.github_owner_id
  name_prefix         = var.project_slug
  resource_group_name = azurerm_resource_group.main.name
  location            = var.region
  identities = merge(
    { for name in local.dvc_readers : name => { environment = name, role_assignments = lookup(local.deploy_role_assignments, name, []) } },
    {
      # Reader carries no data actions: the DVC blobs stay out of reach.
      infra-plan = {
        environment = "infra-plan"
        role_assignments = [
          { key = "reader", scope = var.subscription_scope, role_definition_name = "Reader" },
          { key = "state", scope = local.state_container, role_definition_name = "Storage Blob Data Reader" },
        ]
      }
      # Contributor and role assignments, not Owner: no role definitions, no
      # elevation; the state blob needs its data role.
      infra = {
        environment = "infra"
        role_assignments = [
          { key = "contributor", scope = var.subscription_scope, role_definition_name = "Contributor" },
          {
            key                  = "rbac"
            scope                = var.subscription_scope
            role_definition_name = "Role Based Access Control Administrator"
            condition            = local.infra_rbac_condition
          },
          { key = "state", scope = local.state_container, role_definition_name = "Storage Blob Data Contributor" },
        ]
      }
      training = { environment = "training" }
      # No role here: AcrPush on the serving image's registry alone (registry.tf).
      serving-image = { environment = "serving-image" }
    },
  )
  tags = local.tags
}

module "dvc_remote" {
{{- pin_note() }}
  source = "{{ src }}azure-dvc-remote{{ ref }}"

  # Storage accounts, registries and key vaults are named worldwide: each name ends in
  # azure_name_suffix ({{ cookiecutter.azure_name_suffix or 'empty: the names of mlrig 0.7' }}), an answer fixed at generation (a hash of
  # owner/slug), not a Terraform hash, because .dvc/config and the state backend need the
  # names before Terraform runs. README.md, "Names that are unique worldwide".
  storage_account_name = "{{ cookiecutter.__azure_storage_account }}"
  container_name       = "{{ remote }}"
  path                 = "{{ remote_path }}"
  resource_group_name  = azurerm_resource_group.main.name
  location             = var.region
  # Keyed by name: principal ids exist only after the identities are created.
  writer_principal_ids        = { training = module.github_oidc.principal_ids["training"] }
  reader_principal_ids        = { for name in local.dvc_readers : name => module.github_oidc.principal_ids[name] if !contains(concat(local.deploy_environments, ["monitoring"]), name) }
  folder_reader_principal_ids = local.dvc_folder_readers
  folder_writer_principal_ids = local.dvc_folder_writers
  # drift.yml: reads the captured window and pushes it when it registers it.
  monitor_principal_ids = { monitoring = module.github_oidc.principal_ids["monitoring"] }
  tags                  = local.tags
}
{%- endif %}
