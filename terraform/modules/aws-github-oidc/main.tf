locals {
  issuer = "token.actions.githubusercontent.com"
  by_id  = var.repository_id != null && var.repository_owner_id != null
  # With repository_id and repository_owner_id the repository's OIDC subject
  # template (github-environments sets it) names the repository by its immutable
  # ids, so a renamed or re-created repository of the same name gets nothing.
  subject = {
    for name, identity in var.identities : name => (
      local.by_id
      ? "repository_owner_id:${var.repository_owner_id}:repository_id:${var.repository_id}:environment:${identity.environment}"
      : "repo:${var.repository}:environment:${identity.environment}"
    )
  }
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.oidc_provider_arn
  managed_policy_attachments = merge([
    for name, identity in var.identities : {
      for key, arn in merge({ for arn in identity.managed_policy_arns : arn => arn }, identity.policy_arns) :
      "${name}|${key}" => { role = name, arn = arn }
    }
  ]...)
  inline_policies = merge([
    for name, identity in var.identities : {
      for policy, document in identity.inline_policies : "${name}|${policy}" => { role = name, name = policy, document = document }
    }
  ]...)
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.issuer}"
  client_id_list = ["sts.amazonaws.com"]
  tags           = var.tags
}

data "aws_iam_policy_document" "trust" {
  for_each = var.identities

  statement {
    sid     = "GitHubEnvironment"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = [local.subject[each.key]]
    }

    # The ids again, as claims of their own (GitHub's and AWS's advice): a
    # custom subject template elsewhere cannot make a name-only subject match.
    dynamic "condition" {
      for_each = local.by_id ? { repository_id = var.repository_id, repository_owner_id = var.repository_owner_id } : {}
      content {
        test     = "StringEquals"
        variable = "${local.issuer}:${condition.key}"
        values   = [condition.value]
      }
    }

    # Only these workflow files at these refs (owner/name/.github/workflows/<file>@<ref>).
    dynamic "condition" {
      for_each = length(each.value.workflow_refs) > 0 ? [each.value.workflow_refs] : []
      content {
        test     = "StringLike"
        variable = "${local.issuer}:job_workflow_ref"
        values   = condition.value
      }
    }
  }
}

resource "aws_iam_role" "github" {
  for_each = var.identities

  name                 = "${var.name_prefix}-${each.key}"
  description          = "GitHub Actions in ${var.repository}, environment ${each.value.environment}"
  assume_role_policy   = data.aws_iam_policy_document.trust[each.key].json
  max_session_duration = var.max_session_duration
  permissions_boundary = each.value.bounded ? var.permissions_boundary_arn : null
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = var.create_oidc_provider || var.oidc_provider_arn != null
      error_message = "Pass oidc_provider_arn when create_oidc_provider is false."
    }
  }
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each = local.managed_policy_attachments

  role       = aws_iam_role.github[each.value.role].name
  policy_arn = each.value.arn
}

resource "aws_iam_role_policy" "inline" {
  for_each = local.inline_policies

  name   = each.value.name
  role   = aws_iam_role.github[each.value.role].id
  policy = each.value.document
}
