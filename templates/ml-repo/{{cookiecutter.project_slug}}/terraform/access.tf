# What the terraform identities may do: infra-plan reads the state and what a
# plan refreshes; infra applies, with the project's services only.
{%- if cookiecutter.cloud == 'aws' %}
# Every role but infra carries the boundary, and infra may create or change a
# role only with it: no role it makes can do more than the boundary allows,
# and nothing can touch infra itself, its policies or the boundary.

locals {
  iam_prefix   = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}"
  state_bucket = "arn:${data.aws_partition.current.partition}:s3:::{{ cookiecutter.__tfstate }}"
  # Every IAM name of the project starts with name_prefix and a dash (main.tf).
  # The runner module's roles, instance profile and policy live under this IAM
  # path (named <prefix>-...); this configuration's own are at the root path.
  runner_iam_path    = "/${local.name_prefix}/"
  project_roles      = ["${local.iam_prefix}:role/${local.name_prefix}-*", "${local.iam_prefix}:role${local.runner_iam_path}${local.name_prefix}-*"]
  project_policies   = ["${local.iam_prefix}:policy/${local.name_prefix}-*", "${local.iam_prefix}:policy${local.runner_iam_path}${local.name_prefix}-*"]
  project_profiles   = ["${local.iam_prefix}:instance-profile${local.runner_iam_path}${local.name_prefix}-*"]
  github_oidc        = "${local.iam_prefix}:oidc-provider/token.actions.githubusercontent.com"
  boundary_arn       = "${local.iam_prefix}:policy/${local.name_prefix}-boundary"
  terraform_roles    = ["${local.iam_prefix}:role/${local.name_prefix}-infra", "${local.iam_prefix}:role/${local.name_prefix}-infra-plan"]
  terraform_policies = ["${local.iam_prefix}:policy/${local.name_prefix}-infra-iam", "${local.iam_prefix}:policy/${local.name_prefix}-infra-plan", local.boundary_arn]
  # SSM folders a plan refreshes, and those it must never read (SecureString:
  # the runners' JIT configurations, the GitHub App's id, key and secret).
  plan_ssm_folders   = [for folder in module.gpu_runners.ssm_parameter_paths.terraform : "${local.ssm_arn_prefix}${folder}/*"]
  secret_ssm_folders = [for folder in concat(module.gpu_runners.ssm_parameter_paths.secret, ["/${var.project_slug}/github-app"]) : "${local.ssm_arn_prefix}${folder}/*"]
}

data "aws_iam_policy_document" "boundary" {
  #checkov:skip=CKV_AWS_356:a permissions boundary is a ceiling, not a grant: each role's own policies name its resources
  #checkov:skip=CKV_AWS_111:see CKV_AWS_356; the boundary allows no IAM write but passing the project's roles, and no role chaining
  #checkov:skip=CKV_AWS_109:see CKV_AWS_356
  #checkov:skip=CKV_AWS_107:see CKV_AWS_356
  #checkov:skip=CKV_AWS_108:see CKV_AWS_356
  #checkov:skip=CKV_AWS_110:see CKV_AWS_356
  statement {
    sid         = "ServicesButIamAndRoleChaining"
    not_actions = ["iam:*", "organizations:*", "account:*", "sts:AssumeRole"]
    resources   = ["*"]
  }

  statement {
    sid       = "ReadIam"
    actions   = ["iam:Get*", "iam:List*"]
    resources = ["*"]
  }

  # The scale-up lambda passes the runner role; managed CD passes the SageMaker role.
  statement {
    sid       = "PassProjectRoles"
    actions   = ["iam:PassRole"]
    resources = local.project_roles
  }

  statement {
    sid       = "NeverTheTerraformRoles"
    effect    = "Deny"
    actions   = ["iam:PassRole"]
    resources = local.terraform_roles
  }
}

resource "aws_iam_policy" "boundary" {
  name        = "${local.name_prefix}-boundary"
  description = "Permissions boundary of every role of ${var.project_slug} but infra: no IAM writes"
  policy      = data.aws_iam_policy_document.boundary.json
}

data "aws_iam_policy_document" "plan" {
  #checkov:skip=CKV_AWS_356:a plan refreshes every resource type of the configuration; the Get/List/Describe actions are read-only and the data reads (DVC objects, SecureString parameters) are denied below
  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_bucket}/{{ cookiecutter.project_slug }}/*"]
  }

  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket]
  }

  # What refreshing each resource type of the configuration calls (the root,
  # mlrig's modules and the runner module at its pinned commit); the table
  # tests/terraform/refresh_actions.json in mlrig lists them per type.
  statement {
    sid = "RefreshWhatThePlanManages"
    actions = [
      "apigateway:GET",
      "ec2:Describe*",
      "ecr:DescribeRepositories",
      "ecr:GetLifecyclePolicy",
      "ecr:GetRepositoryPolicy",
      "ecr:ListTagsForResource",
      "eks:DescribePodIdentityAssociation",
      "events:Describe*",
      "events:ListTagsForResource",
      "events:ListTargetsByRule",
      "iam:Get*",
      "iam:List*",
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListAliases",
      "kms:ListResourceTags",
      "lambda:GetEventSourceMapping",
      "lambda:GetFunction",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:GetPolicy",
      "lambda:ListTags",
      "lambda:ListVersionsByFunction",
      "logs:DescribeLogGroups",
      "logs:ListTagsForResource",
      "logs:ListTagsLogGroup",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucket*",
      "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:ListBucket",
      "scheduler:GetSchedule",
      "scheduler:GetScheduleGroup",
      "scheduler:ListTagsForResource",
      "sqs:GetQueueAttributes",
      "sqs:ListQueueTags",
      "ssm:DescribeParameters",
      "ssm:ListTagsForResource",
      "xray:GetSamplingRules",
    ]
    resources = ["*"]
  }

  # The runner module's trigger object in its binaries bucket (<prefix>-dist-<random>):
  # public runner releases, no project data.
  statement {
    sid       = "RunnerBinariesTrigger"
    actions   = ["s3:GetObject", "s3:GetObjectTagging"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${local.name_prefix}-dist-*/triggers/*"]
  }

  # The String parameters Terraform writes (the AMI id, the runners' settings).
  statement {
    sid       = "RunnerConfiguration"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = local.plan_ssm_folders
  }

  # Pull-request code runs with this identity: it never reads the DVC data, the
  # runners' JIT configurations or the GitHub App's key, whatever another grant
  # says, and decrypts no SecureString parameter with any key.
  statement {
    sid       = "NoDataReads"
    effect    = "Deny"
    actions   = ["s3:GetObject*", "kms:Decrypt"]
    resources = ["${module.dvc_remote.bucket_arn}/*", module.dvc_remote.kms_key_arn]
  }

  statement {
    sid       = "NoSecretParameters"
    effect    = "Deny"
    actions   = ["ssm:GetParameter*"]
    resources = local.secret_ssm_folders
  }

  statement {
    sid       = "NoDecryptionThroughSsm"
    effect    = "Deny"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["ssm.*.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "plan" {
  name        = "${local.name_prefix}-infra-plan"
  description = "terraform plan: the state, and the reads a refresh needs"
  policy      = data.aws_iam_policy_document.plan.json
}

data "aws_iam_policy_document" "infra_iam" {
  statement {
    sid       = "ReadProjectIam"
    actions   = ["iam:Get*", "iam:List*"]
    resources = concat(local.project_roles, local.project_policies, local.project_profiles, [local.github_oidc])
  }

  # Creating a role, or changing what it may do, only with the boundary on it.
  statement {
    sid       = "ProjectRolesWithTheBoundary"
    actions   = ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
    resources = local.project_roles

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid       = "ProjectRoles"
    actions   = ["iam:DeleteRole", "iam:PassRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription"]
    resources = local.project_roles
  }

  statement {
    sid       = "ProjectPolicies"
    actions   = ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"]
    resources = local.project_policies
  }

  statement {
    sid       = "RunnerInstanceProfile"
    actions   = ["iam:AddRoleToInstanceProfile", "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile"]
    resources = local.project_profiles
  }

  statement {
    sid       = "GitHubOidcProvider"
    actions   = ["iam:AddClientIDToOpenIDConnectProvider", "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint"]
    resources = [local.github_oidc]
  }

  statement {
    sid       = "SpotServiceLinkedRole"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["${local.iam_prefix}:role/aws-service-role/spot.amazonaws.com/*"]
  }

  statement {
    sid       = "NoChangesToTheTerraformRoles"
    effect    = "Deny"
    actions   = ["iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:PassRole", "iam:Put*", "iam:Tag*", "iam:Untag*", "iam:Update*"]
    resources = local.terraform_roles
  }

  statement {
    sid       = "NoChangesToTheTerraformPoliciesOrTheBoundary"
    effect    = "Deny"
    actions   = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"]
    resources = local.terraform_policies
  }

  statement {
    sid       = "NoRoleLeavesTheBoundary"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }

  # PowerUserAccess is account-wide: what would reach beyond the project
  # without IAM is held to it here. No other function's code, settings or
  # invocation (another workload's role would run it) ...
  statement {
    sid           = "NoFunctionsOutsideTheProject"
    effect        = "Deny"
    actions       = ["lambda:AddPermission", "lambda:CreateFunctionUrlConfig", "lambda:InvokeFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionUrlConfig"]
    not_resources = ["arn:${data.aws_partition.current.partition}:lambda:*:${data.aws_caller_identity.current.account_id}:function:${local.name_prefix}-*"]
  }

  # ... no commands or sessions on any instance, no secret values: Terraform
  # here needs neither.
  statement {
    sid       = "NoRemoteCommandsOrSecrets"
    effect    = "Deny"
    actions   = ["ec2-instance-connect:*", "secretsmanager:GetSecretValue", "ssm:ResumeSession", "ssm:SendCommand", "ssm:StartAutomationExecution", "ssm:StartSession"]
    resources = ["*"]
  }

  # Terraform assumes no role; PowerUserAccess alone would let infra into any
  # role of the account that trusts the account itself.
  statement {
    sid       = "NoOtherRoles"
    effect    = "Deny"
    actions   = ["sts:AssumeRole"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "infra_iam" {
  name        = "${local.name_prefix}-infra-iam"
  description = "terraform apply: IAM of this project's roles and policies only, every role under the boundary (with PowerUserAccess for the rest)"
  policy      = data.aws_iam_policy_document.infra_iam.json
}
{%- elif cookiecutter.cloud == 'gcp' %}

locals {
  # The APIs the modules and the workflows use; a fresh project has none of them.
  apis = toset([
    "aiplatform.googleapis.com",
    "artifactregistry.googleapis.com",
{%- if cookiecutter.deploy_target == 'managed' %}
    "bigquery.googleapis.com",
{%- endif %}
    "cloudkms.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "compute.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "serviceusage.googleapis.com",
    "storage.googleapis.com",
    "sts.googleapis.com",
    "workflowexecutions.googleapis.com",
    "workflows.googleapis.com",
  ])
  # What the configuration manages, instead of roles/owner. No roles/iam.roleAdmin:
  # a custom role it could edit and then grant would be owner by another name,
  # so custom roles, like the terraform identities' own grants, change only when
  # an administrator applies (README.md).
  infra_project_roles = [
    "roles/artifactregistry.admin",
    "roles/cloudkms.admin",
    "roles/cloudscheduler.admin",
    "roles/compute.instanceAdmin.v1",
    "roles/iam.securityReviewer",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.serviceAccountUser",
    "roles/iam.workloadIdentityPoolAdmin",
    "roles/serviceusage.serviceUsageAdmin",
    "roles/storage.admin",
    "roles/workflows.admin",
{%- if cookiecutter.deploy_target == 'managed' %}
    "roles/aiplatform.admin",
{%- endif %}
  ]
  # The only project roles infra may grant (projectIamAdmin's condition): those
  # the runners and the deploy identities get.
  infra_grantable_roles = sort(distinct(concat(module.gpu_runners.project_roles, local.deploy_grantable_roles)))
}

resource "google_project_service" "apis" {
  for_each = local.apis

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# What infra-plan may read, instead of roles/viewer: the get of each resource
# type this configuration manages (what a refresh calls) and its IAM policy.
# Never compute.instances.get/list (a runner VM's metadata carries its JIT
# configuration), the project's metadata (compute.projects.get), objects,
# secrets, logs or workflow executions: pull-request code runs as infra-plan.
resource "google_project_iam_custom_role" "plan" {
  project     = var.project_id
  role_id     = "${replace(local.prefix, "-", "_")}_infra_plan"
  title       = "mlrig terraform plan (${local.prefix})"
  description = "Refresh what the configuration manages; no VM metadata, objects or secrets"
  permissions = [
    "aiplatform.endpoints.get",
    "aiplatform.endpoints.getIamPolicy",
    "artifactregistry.repositories.get",
    "artifactregistry.repositories.getIamPolicy",
    "cloudkms.cryptoKeys.get",
    "cloudkms.cryptoKeys.getIamPolicy",
    "cloudkms.keyRings.get",
    "cloudscheduler.jobs.get",
    "compute.instanceTemplates.get",
    "compute.subnetworks.get",
    "compute.subnetworks.getIamPolicy",
    "compute.zones.list",
    "iam.roles.get",
    "iam.serviceAccounts.get",
    "iam.serviceAccounts.getIamPolicy",
    "iam.workloadIdentityPoolProviders.get",
    "iam.workloadIdentityPools.get",
    "resourcemanager.projects.get",
    "resourcemanager.projects.getIamPolicy",
    "serviceusage.services.get",
    "serviceusage.services.list",
    "storage.buckets.get",
    "storage.buckets.getIamPolicy",
    "workflows.workflows.get",
  ]
  depends_on = [google_project_service.apis]
}

# The plan identity reads the state (objects of the state bucket only).
resource "google_storage_bucket_iam_member" "plan_reads_state" {
  bucket = "{{ cookiecutter.__tfstate }}"
  role   = "roles/storage.objectViewer"
  member = module.github_oidc.service_account_members["infra-plan"]
}
{%- elif cookiecutter.cloud == 'azure' %}

# The identities' roles are in main.tf (module github_oidc): infra-plan has
# Reader and Storage Blob Data Reader on the state container; infra has
# Contributor, Role Based Access Control Administrator and Storage Blob Data
# Contributor on the state container, instead of Owner.
{%- endif %}
