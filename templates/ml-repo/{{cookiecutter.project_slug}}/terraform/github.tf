{%- set src = cookiecutter.terraform_module_source ~ '//terraform/modules/' -%}
{%- set ref = '?ref=' ~ cookiecutter.terraform_module_ref -%}
{%- set module_ref = cookiecutter.terraform_module_ref -%}
{%- set by_sha = module_ref | length == 40 and module_ref.strip('0123456789abcdef') == '' -%}
# The GitHub side of the OIDC design, as code: the environments, who may deploy
# from which branch, the variables the workflows read, and the OIDC subject
# template that names this repository by its ids (what the cloud identities
# trust). The provider reads GITHUB_TOKEN: the admin's token on the first apply,
# then the infra workflow's GitHub App token (README.md).
provider "github" {
  owner = split("/", var.repository)[0]
}

module "github" {
{%- if not by_sha %}
  #checkov:skip=CKV_TF_1:pinned to the release tag {{ module_ref }} chosen when the repository was generated; set terraform_module_ref to a commit to pin by hash
{%- elif module_ref == cookiecutter._mlrig_release.commit %}
  # mlrig v{{ cookiecutter._mlrig_release.version }}
{%- endif %}
  source = "{{ src }}github-environments{{ ref }}"

  repository = split("/", var.repository)[1]
  environments = {
    for name, settings in {
      # Pull requests run these two: any branch, read-only identities.
      infra-plan = { branches = [] }
      ci         = { branches = [] }
      # CT retrains pull requests from this repository's branches (never a fork's; publish.yml
      # commits the result back), so training allows any branch (add reviewers to gate it).
      training = { branches = [] }
      # serve-image.yml builds the image of a pull request that changes the lock (from this
      # repository's branches, never a fork's: forks get no OIDC token), whose staging pin
      # publish.yml commits to it, so serving-image allows any branch; its identity trusts serve-image.yml
      # alone, at main or a pull request's merge ref (main.tf), and it deploys nothing.
      serving-image = { branches = [] }
      # Holds the CT GitHub App's private key (CT_APP_PRIVATE_KEY) for the one job that
      # commits results, publish.yml's publish, which runs none of a branch's code. It runs on
      # workflow_run, always from the default branch, so main alone is admitted: no job of a
      # branch's workflow can enter it (and read the key). No cloud identity trusts it.
      github-app = {}
      # Everything else that writes runs from main only; infra and production wait for a reviewer.
      infra      = { reviewers = var.required_reviewers }
      monitoring = {}
      staging    = {}
      production = { reviewers = var.required_reviewers }
    } : name => merge(settings, { variables = lookup(local.environment_variables, name, {}) })
  }
  repository_variables = local.repository_variables
}
