locals {
  issuer = "https://token.actions.githubusercontent.com"
  by_id  = var.repository_id != null && var.repository_owner_id != null
  # The subject GitHub issues: by the repository's immutable ids once
  # github-environments set the repository's OIDC subject template, else by name.
  subject = {
    for name, identity in var.identities : name => (
      local.by_id
      ? "repository_owner_id:${var.repository_owner_id}:repository_id:${var.repository_id}:environment:${identity.environment}"
      : "repo:${var.repository}:environment:${identity.environment}"
    )
  }
  subjects = sort(distinct(values(local.subject)))
  # A workflow pin: job_workflow_ref equals the ref, or starts with the part before a '*'.
  workflow_checks = [
    for name, identity in var.identities : format(
      "(assertion.sub != \"%s\" || %s)", local.subject[name],
      join(" || ", [for ref in identity.workflow_refs : (
        strcontains(ref, "*")
        ? "assertion.job_workflow_ref.startsWith(\"${split("*", ref)[0]}\")"
        : "assertion.job_workflow_ref == \"${ref}\""
      )])
    ) if length(identity.workflow_refs) > 0
  ]
  id_checks = local.by_id ? [
    "assertion.repository_id == \"${var.repository_id}\"",
    "assertion.repository_owner_id == \"${var.repository_owner_id}\"",
  ] : []
  # google.subject is 127 bytes at most: account ids keep it short.
  account_id = {
    for name in keys(var.identities) : name => (
      length("${var.name_prefix}-${name}") < 6 ? "${var.name_prefix}-${name}-gh" : "${var.name_prefix}-${name}"
    )
  }
  project_roles = merge([
    for name, identity in var.identities : {
      for role in identity.project_roles : "${name}|${role}" => {
        identity  = name
        role      = role
        condition = lookup(identity.project_role_conditions, role, null)
      }
    }
  ]...)
}

resource "google_iam_workload_identity_pool" "github" {
  project                   = var.project_id
  workload_identity_pool_id = var.pool_id
  display_name              = "GitHub Actions"
  description               = "GitHub Actions OIDC tokens of ${var.repository}"
}

resource "google_iam_workload_identity_pool_provider" "github" {
  #checkov:skip=CKV_GCP_125:the condition matches the repository by id and exact environment subjects, built with join(), which checkov cannot evaluate
  project                            = var.project_id
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  display_name                       = "GitHub"

  # google.subject is the token's sub claim: repo:<owner>/<name>:environment:<environment>.
  attribute_mapping = {
    "google.subject"                = "assertion.sub"
    "attribute.repository"          = "assertion.repository"
    "attribute.repository_id"       = "assertion.repository_id"
    "attribute.repository_owner_id" = "assertion.repository_owner_id"
    "attribute.environment"         = "assertion.environment"
    "attribute.job_workflow_ref"    = "assertion.job_workflow_ref"
  }
  # Only the listed environments of the one repository (by id, when known) get a
  # token at all, and pinned identities only from their workflow files and refs.
  attribute_condition = join(" && ", concat(
    local.id_checks,
    ["(${join(" || ", [for subject in local.subjects : "assertion.sub == \"${subject}\""])})"],
    local.workflow_checks,
  ))

  oidc {
    issuer_uri = local.issuer
  }
}

resource "google_service_account" "github" {
  for_each = var.identities

  project      = var.project_id
  account_id   = local.account_id[each.key]
  display_name = "GitHub Actions ${var.repository} (${each.value.environment})"
}

resource "google_service_account_iam_member" "workload_identity_user" {
  for_each = var.identities

  service_account_id = google_service_account.github[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principal://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/subject/${local.subject[each.key]}"
}

resource "google_project_iam_member" "roles" {
  for_each = local.project_roles

  project = var.project_id
  role    = each.value.role
  member  = "serviceAccount:${google_service_account.github[each.value.identity].email}"

  dynamic "condition" {
    for_each = each.value.condition == null ? [] : [each.value.condition]

    content {
      title      = condition.value.title
      expression = condition.value.expression
    }
  }
}
