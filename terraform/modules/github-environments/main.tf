locals {
  branch_policies = merge([
    for name, environment in var.environments : {
      for branch in environment.branches : "${name}|${branch}" => { environment = name, branch = branch }
    }
  ]...)
  environment_variables = merge([
    for name, environment in var.environments : {
      for variable, value in environment.variables : "${name}|${variable}" => { environment = name, name = variable, value = value }
    }
  ]...)
}

resource "github_repository_environment" "this" {
  for_each = var.environments

  repository          = var.repository
  environment         = each.key
  can_admins_bypass   = false
  prevent_self_review = each.value.prevent_self_review

  dynamic "reviewers" {
    for_each = each.value.reviewers == null ? [] : [each.value.reviewers]
    content {
      users = reviewers.value.users
      teams = reviewers.value.teams
    }
  }

  # Only the listed branches may deploy to it; none listed means any branch.
  dynamic "deployment_branch_policy" {
    for_each = length(each.value.branches) > 0 ? [true] : []
    content {
      protected_branches     = false
      custom_branch_policies = true
    }
  }
}

resource "github_repository_environment_deployment_policy" "this" {
  for_each = local.branch_policies

  repository     = var.repository
  environment    = github_repository_environment.this[each.value.environment].environment
  branch_pattern = each.value.branch
}

resource "github_actions_environment_variable" "this" {
  for_each = local.environment_variables

  repository    = var.repository
  environment   = github_repository_environment.this[each.value.environment].environment
  variable_name = each.value.name
  value         = each.value.value
}

resource "github_actions_variable" "this" {
  for_each = var.repository_variables

  repository    = var.repository
  variable_name = each.key
  value         = each.value
}

resource "github_actions_repository_oidc_subject_claim_customization_template" "this" {
  count = var.oidc_subject_claims == null ? 0 : 1

  repository         = var.repository
  use_default        = false
  include_claim_keys = var.oidc_subject_claims
}
