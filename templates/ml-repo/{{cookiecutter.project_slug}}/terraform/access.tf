# What the terraform identities may do: infra-plan reads the state and what a
# plan refreshes; infra applies, with the project's services only.
{%- if cookiecutter.cloud == 'aws' %}

locals {
  iam_prefix   = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}"
  state_bucket = "arn:${data.aws_partition.current.partition}:s3:::{{ cookiecutter.project_slug }}-tfstate"
  # Roles, policies and instance profiles this configuration creates (the runner
  # module names its own after the same prefix).
  project_iam = [
    "${local.iam_prefix}:role/${var.project_slug}-*",
    "${local.iam_prefix}:policy/${var.project_slug}-*",
    "${local.iam_prefix}:instance-profile/${var.project_slug}-*",
    "${local.iam_prefix}:oidc-provider/token.actions.githubusercontent.com",
  ]
  # The terraform identities themselves: only an administrator changes them.
  terraform_roles = ["${local.iam_prefix}:role/${var.project_slug}-infra", "${local.iam_prefix}:role/${var.project_slug}-infra-plan"]
}

data "aws_iam_policy_document" "plan" {
  #checkov:skip=CKV_AWS_356:a plan refreshes every resource type of the configuration; the Get/List/Describe actions are read-only and the data reads (DVC objects, the App's key) are denied below
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

  statement {
    sid = "RefreshWhatThePlanManages"
    actions = [
      "apigateway:GET",
      "ec2:Describe*",
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
      "sqs:GetQueueAttributes",
      "sqs:ListQueueTags",
      "ssm:DescribeParameters",
      "ssm:ListTagsForResource",
      "xray:GetSamplingRules",
    ]
    resources = ["*"]
  }

  statement {
    sid     = "RunnerConfiguration"
    actions = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = [
      "arn:${data.aws_partition.current.partition}:ssm:${var.region}:${data.aws_caller_identity.current.account_id}:parameter/${var.project_slug}/runner/*",
      "arn:${data.aws_partition.current.partition}:ssm:${var.region}:${data.aws_caller_identity.current.account_id}:parameter/github-action-runners/${var.project_slug}/*",
    ]
  }

  # Pull-request code runs with this identity: it never reads the DVC data or
  # the runner GitHub App's private key, whatever another grant says.
  statement {
    sid       = "NoDataReads"
    effect    = "Deny"
    actions   = ["s3:GetObject*", "ssm:GetParameter*", "kms:Decrypt"]
    resources = ["${module.dvc_remote.bucket_arn}/*", "${local.ssm_arn_prefix}/${var.project_slug}/github-app/*", module.dvc_remote.kms_key_arn]
  }
}

resource "aws_iam_policy" "plan" {
  name        = "${var.project_slug}-infra-plan"
  description = "terraform plan: the state, and the reads a refresh needs"
  policy      = data.aws_iam_policy_document.plan.json
}

data "aws_iam_policy_document" "infra_iam" {
  statement {
    sid       = "ProjectIam"
    actions   = ["iam:*"]
    resources = local.project_iam
  }

  statement {
    sid       = "SpotServiceLinkedRole"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["${local.iam_prefix}:role/aws-service-role/spot.amazonaws.com/*"]
  }

  statement {
    sid       = "NoChangesToTheTerraformRoles"
    effect    = "Deny"
    actions   = ["iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Tag*", "iam:Untag*", "iam:Update*"]
    resources = local.terraform_roles
  }
}

resource "aws_iam_policy" "infra_iam" {
  name        = "${var.project_slug}-infra-iam"
  description = "terraform apply: IAM of this project's roles and policies only (with PowerUserAccess for the rest)"
  policy      = data.aws_iam_policy_document.infra_iam.json
}
{%- elif cookiecutter.cloud == 'gcp' %}

locals {
  # The APIs the modules and the workflows use; a fresh project has none of them.
  apis = toset([
    "aiplatform.googleapis.com",
    "cloudkms.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "compute.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
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

# The plan identity reads the state (objects of the state bucket only).
resource "google_storage_bucket_iam_member" "plan_reads_state" {
  bucket = "{{ cookiecutter.project_slug }}-tfstate"
  role   = "roles/storage.objectViewer"
  member = module.github_oidc.service_account_members["infra-plan"]
}
{%- elif cookiecutter.cloud == 'azure' %}

# The identities' roles are in main.tf (module github_oidc): infra-plan has
# Reader and Storage Blob Data Reader on the state container; infra has
# Contributor, Role Based Access Control Administrator and Storage Blob Data
# Contributor on the state container, instead of Owner.
{%- endif %}
