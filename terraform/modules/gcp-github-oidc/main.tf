locals {
  issuer   = "https://token.actions.githubusercontent.com"
  subjects = sort(distinct([for identity in values(var.identities) : "repo:${var.repository}:environment:${identity.environment}"]))
  project_roles = merge([
    for name, identity in var.identities : {
      for role in identity.project_roles : "${name}|${role}" => { identity = name, role = role }
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
  #checkov:skip=CKV_GCP_125:the condition is an exact match on repo:<owner>/<name>:environment:<env> subjects, built with join(), which checkov cannot evaluate
  project                            = var.project_id
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  display_name                       = "GitHub"

  # google.subject is the token's sub claim: repo:<owner>/<name>:environment:<environment>.
  attribute_mapping = {
    "google.subject"       = "assertion.sub"
    "attribute.repository" = "assertion.repository"
  }
  # Only the listed environments of the one repository get a token at all.
  attribute_condition = join(" || ", [for subject in local.subjects : "assertion.sub == \"${subject}\""])

  oidc {
    issuer_uri = local.issuer
  }
}

resource "google_service_account" "github" {
  for_each = var.identities

  project      = var.project_id
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = "GitHub Actions ${var.repository} (${each.value.environment})"
}

resource "google_service_account_iam_member" "workload_identity_user" {
  for_each = var.identities

  service_account_id = google_service_account.github[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principal://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/subject/repo:${var.repository}:environment:${each.value.environment}"
}

resource "google_project_iam_member" "roles" {
  for_each = local.project_roles

  project = var.project_id
  role    = each.value.role
  member  = "serviceAccount:${google_service_account.github[each.value.identity].email}"
}
