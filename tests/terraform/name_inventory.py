"""Every cloud name that a generated root and mlrig's modules build from the slug.

Each entry names where the name is built (a file of the generated repository, or
``modules/<module>/<file>``), the text that builds it there (a regular expression
of the rendered text; a group captures a name that the template wrote literally),
and the names it gives, as format strings over:

- ``p``: the root's name prefix (AWS ``local.name_prefix``, GCP ``local.prefix``);
- ``k``: ``local.kubernetes_name`` (the namespaces and service accounts of deploy/);
- ``b``: the DVC remote's bucket (or container) of the repository's answers;
- ``m``: what the group captured;
- ``s``: the slug; ``t``: the tags' ``project`` value; ``u``: ``p`` with ``_`` for ``-``;
  ``g``: the Azure resource group (``EXPRESSIONS`` says where each is computed).

Limits are the providers' own documentation:

- AWS IAM roles 64, policies and instance profiles 128, ``[\\w+=,.@-]``:
  https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName),
  https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html (PolicyName)
- S3 buckets 3 to 63, lowercase letters, digits, dots and dashes:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
- EventBridge archives 48: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html;
  rules 64: .../API_PutRule.html; Lambda functions 64:
  https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html; SQS queues 80:
  https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html;
  ECR repositories 2 to 256: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
- GCP service account ids 6 to 30, ``[a-z]([-a-z0-9]*[a-z0-9])``:
  https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create;
  custom role ids 3 to 64, ``[a-zA-Z0-9_.]``: https://cloud.google.com/iam/docs/reference/rest/v1/projects.roles/create;
  workload identity pool and provider ids 4 to 32:
  https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create;
  buckets 3 to 63: https://cloud.google.com/storage/docs/buckets#naming; workflows 64:
  https://cloud.google.com/workflows/docs/reference/rest/v1/projects.locations.workflows/create; Artifact Registry
  repository ids 63 (RFC 1035 label); label values 63: https://cloud.google.com/compute/docs/labeling-resources
- Azure storage accounts 3 to 24, lowercase letters and digits; container registries 5
  to 50, letters and digits; key vaults 3 to 24; resource groups 90; user-assigned
  identities 3 to 128; blob containers 3 to 63; Azure ML workspaces 3 to 33 (as managed CD's
  fit()): https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
- Azure ML online endpoints 3 to 32, letters, digits and dashes, starting with a letter,
  unique in the Azure region: https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas
  (endpoint limits) and .../reference-yaml-endpoint-online (name); ``e`` is the slug's
  start that ``azureml_endpoints`` keeps (test_managed_names compares the whole name,
  hash included, with managed CD's)
- Kubernetes namespaces, Services and label values 63 (DNS-1123 labels), other object
  names 253: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """A cloud's rule for one kind of name."""

    low: int
    high: int
    charset: re.Pattern[str]


def _limit(low: int, high: int, charset: str) -> Limit:
    return Limit(low, high, re.compile(charset))


IAM = r"[\w+=,.@-]+"
BUCKET = r"[a-z0-9][a-z0-9.-]*[a-z0-9]"
LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
LIMITS = {
    "aws iam role": _limit(1, 64, IAM),
    "aws iam policy": _limit(1, 128, IAM),
    "aws iam instance profile": _limit(1, 128, IAM),
    "aws kms alias": _limit(1, 256, r"alias/[a-zA-Z0-9/_-]+"),
    "s3 bucket": _limit(3, 63, BUCKET),
    "aws eventbridge archive": _limit(1, 48, r"[.\-_A-Za-z0-9]+"),
    "aws eventbridge rule": _limit(1, 64, r"[.\-_A-Za-z0-9]+"),
    "aws lambda function": _limit(1, 64, r"[a-zA-Z0-9_-]+"),
    "aws sqs queue": _limit(1, 80, r"[a-zA-Z0-9_-]+"),
    "aws scheduler group": _limit(1, 64, r"[0-9a-zA-Z._-]+"),
    "aws ecr repository": _limit(
        2, 256, r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"
    ),
    "gcp service account id": _limit(6, 30, r"[a-z]([-a-z0-9]*[a-z0-9])"),
    "gcp custom role id": _limit(3, 64, r"[a-zA-Z0-9_.]+"),
    "gcp workload identity pool id": _limit(4, 32, r"[a-z0-9-]+"),
    "gcs bucket": _limit(3, 63, BUCKET),
    "gcp workflow": _limit(1, 64, r"[a-zA-Z][a-zA-Z0-9_-]*"),
    "gcp artifact registry repository": _limit(1, 63, r"[a-z]([a-z0-9-]*[a-z0-9])?"),
    "gcp label value": _limit(0, 63, r"[a-z0-9_-]*"),
    "gcp instance template name prefix": _limit(1, 37, r"[a-z][-a-z0-9]*"),
    "gcp vm name prefix": _limit(1, 50, r"[a-z][-a-z0-9]*"),
    "azure storage account": _limit(3, 24, r"[a-z0-9]+"),
    "azure container registry": _limit(5, 50, r"[a-zA-Z0-9]+"),
    "azure key vault": _limit(3, 24, r"[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]"),
    "azure resource group": _limit(1, 90, r"[-\w.()]*[-\w()]"),
    "azure user-assigned identity": _limit(3, 128, r"[a-zA-Z0-9][a-zA-Z0-9_-]*"),
    "azure blob container": _limit(3, 63, r"[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]"),
    "azure ml online endpoint": _limit(3, 32, r"[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*"),
    "kubernetes dns label": _limit(1, 63, LABEL),
    "kubernetes dns subdomain": _limit(1, 253, r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?"),
}


@dataclass(frozen=True)
class Name:
    """One place that builds names, and the names it builds."""

    kind: str
    file: str
    text: str
    names: tuple[str, ...]
    # What the module adds to a name shorter than the kind's minimum, if anything.
    short_suffix: str = ""

    def fitted(self, names: list[str]) -> list[str]:
        low = LIMITS[self.kind].low
        return [f"{name}{self.short_suffix}" if len(name) < low else name for name in names]


AWS_IDENTITIES = (
    "monitoring",
    "ci",
    "staging",
    "production",
    "infra-plan",
    "infra",
    "training",
    "serving-image",
)
ENVIRONMENTS = ("staging", "production")


def _e(text: str) -> str:
    return re.escape(text)


COMMON = [
    Name(
        "kubernetes dns label",
        "terraform/serving.tf",
        _e('"${local.kubernetes_name}-${environment}"'),
        ("{k}-staging", "{k}-production"),
    ),
    Name(
        "kubernetes dns subdomain",
        "terraform/serving.tf",
        _e('"${local.kubernetes_name}-model-reader"'),
        ("{k}-model-reader",),
    ),
    Name(
        "kubernetes dns subdomain",
        "terraform/serving.tf",
        _e('"${local.kubernetes_name}-capture-writer"'),
        ("{k}-capture-writer",),
    ),
]
AWS = [
    *COMMON,
    Name(
        "aws iam policy",
        "terraform/access.tf",
        _e('"${local.name_prefix}-boundary"'),
        ("{p}-boundary",),
    ),
    Name(
        "aws iam policy",
        "terraform/access.tf",
        _e('"${local.name_prefix}-infra-plan"'),
        ("{p}-infra-plan",),
    ),
    Name(
        "aws iam policy",
        "terraform/access.tf",
        _e('"${local.name_prefix}-infra-iam"'),
        ("{p}-infra-iam",),
    ),
    Name("s3 bucket", "terraform/versions.tf", r'bucket       = "([^"]+)"', ("{m}",)),
    Name(
        "aws iam role",
        "modules/aws-github-oidc/main.tf",
        _e('"${var.name_prefix}-${each.key}"'),
        tuple(f"{{p}}-{key}" for key in AWS_IDENTITIES),
    ),
    Name("s3 bucket", "terraform/main.tf", r'bucket_name = "([^"]+)"', ("{m}",)),
    Name(
        "s3 bucket",
        "modules/aws-dvc-remote/logs.tf",
        _e('"${var.bucket_name}-logs"'),
        ("{b}-logs",),
    ),
    Name(
        "aws kms alias",
        "modules/aws-dvc-remote/main.tf",
        _e('"alias/${var.bucket_name}"'),
        ("alias/{b}",),
    ),
    *(
        Name(
            "aws iam policy",
            "modules/aws-dvc-remote/main.tf",
            _e(f'"${{local.policy_prefix}}-{what}"'),
            (f"{{p}}-dvc-{what}",),
        )
        for what in ("monitor", "publish", "read", "write")
    ),
    Name(
        "aws iam policy",
        "modules/aws-dvc-remote/main.tf",
        _e('"${local.policy_prefix}-write-${each.key}"'),
        ("{p}-dvc-write-capture",),
    ),
    Name(
        "aws ecr repository",
        "terraform/registry.tf",
        _e('"${local.name_prefix}-serve"'),
        ("{p}-serve",),
    ),
    Name(
        "aws kms alias",
        "modules/aws-serving-registry/main.tf",
        _e('"alias/ecr/${var.name}"'),
        ("alias/ecr/{p}-serve",),
    ),
    Name(
        "aws iam policy",
        "modules/aws-serving-registry/main.tf",
        _e('"${var.name}-pull"'),
        ("{p}-serve-pull",),
    ),
    Name(
        "aws iam policy",
        "modules/aws-serving-registry/main.tf",
        _e('"${var.name}-push"'),
        ("{p}-serve-push",),
    ),
    # The runner module (upstream, as tests/terraform/refresh_actions.json records it):
    # the prefix passed, and the names it builds from it.
    Name(
        "aws eventbridge archive",
        "terraform/main.tf",
        _e("prefix                    = local.name_prefix"),
        ("{p}-github-events",),
    ),
    Name(
        "aws eventbridge rule",
        "terraform/main.tf",
        _e("prefix                    = local.name_prefix"),
        ("{p}-scale-down-rule",),
    ),
    Name(
        "aws lambda function",
        "terraform/main.tf",
        _e("prefix                    = local.name_prefix"),
        ("{p}-scale-up", "{p}-scale-down", "{p}-syncer", "{p}-webhook"),
    ),
    Name(
        "s3 bucket",
        "terraform/main.tf",
        _e("prefix                    = local.name_prefix"),
        ("{p}-dist-abcd1234",),
    ),
    Name(
        "aws sqs queue",
        "terraform/main.tf",
        _e("prefix                    = local.name_prefix"),
        ("{p}-queued-builds",),
    ),
    Name(
        "aws scheduler group",
        "terraform/main.tf",
        _e("prefix                    = local.name_prefix"),
        ("{p}-pool",),
    ),
    Name(
        "aws iam instance profile",
        "terraform/main.tf",
        _e("prefix                    = local.name_prefix"),
        ("{p}-runner-profile",),
    ),
    Name(
        "aws iam policy",
        "terraform/main.tf",
        _e("prefix                    = local.name_prefix"),
        ("{p}-ami-id-ssm-parameter-read",),
    ),
]
AWS_KSERVE = [
    Name(
        "aws iam role",
        "terraform/serving.tf",
        _e('"${local.name_prefix}-serving"'),
        ("{p}-serving",),
    ),
    Name(
        "aws iam role",
        "terraform/serving.tf",
        _e('"${local.name_prefix}-capture"'),
        ("{p}-capture",),
    ),
]
AWS_MANAGED = [
    Name(
        "aws iam role",
        "terraform/serving.tf",
        _e('"${local.name_prefix}-sagemaker"'),
        ("{p}-sagemaker",),
    ),
    Name(
        "aws iam policy",
        "terraform/serving.tf",
        _e('"${local.name_prefix}-deploy-${each.key}"'),
        tuple(f"{{p}}-deploy-{env}" for env in ENVIRONMENTS),
    ),
]
GCP = [
    *COMMON,
    Name(
        "gcp label value",
        "terraform/main.tf",
        _e("project    = substr(var.project_slug, 0, 63)"),
        ("{t}",),
    ),
    Name("gcs bucket", "terraform/versions.tf", r'bucket = "([^"]+)"', ("{m}",)),
    Name("gcs bucket", "terraform/main.tf", r'bucket_name = "([^"]+)"', ("{m}",)),
    Name(
        "gcs bucket",
        "modules/gcp-dvc-remote/logs.tf",
        _e('"${var.bucket_name}-logs"'),
        ("{b}-logs",),
    ),
    Name(
        "gcp custom role id",
        "terraform/access.tf",
        _e('"${replace(local.prefix, "-", "_")}_infra_plan"'),
        ("{u}_infra_plan",),
    ),
    Name(
        "gcp workload identity pool id",
        "terraform/main.tf",
        _e('"${local.prefix}-github"'),
        ("{p}-github",),
    ),
    Name(
        "gcp service account id",
        "modules/gcp-github-oidc/main.tf",
        _e('< 6 ? "${var.name_prefix}-${name}-gh" : "${var.name_prefix}-${name}"'),
        tuple(f"{{p}}-{key}" for key in AWS_IDENTITIES),
        "-gh",
    ),
    Name(
        "gcp artifact registry repository",
        "terraform/registry.tf",
        _e('"${local.prefix}-images"'),
        ("{p}-images",),
    ),
    Name(
        "gcp service account id",
        "modules/gcp-gpu-runners/identity.tf",
        _e('"${var.prefix}-runner"'),
        ("{p}-runner",),
    ),
    Name(
        "gcp service account id",
        "modules/gcp-gpu-runners/reaper.tf",
        _e('"${var.prefix}-reaper"'),
        ("{p}-reaper",),
    ),
    *(
        Name(
            "gcp custom role id",
            f"modules/gcp-gpu-runners/{file}",
            _e(f'"${{local.role_id_prefix}}_runner_{what}"'),
            (f"{{u}}_runner_{what}",),
        )
        for file, what in (
            ("identity.tf", "launcher"),
            ("identity.tf", "operations"),
            ("reaper.tf", "reaper"),
        )
    ),
    Name(
        "gcp workflow",
        "modules/gcp-gpu-runners/reaper.tf",
        _e('"${var.prefix}-runner-reaper"'),
        ("{p}-runner-reaper",),
    ),
    Name(
        "gcp instance template name prefix",
        "modules/gcp-gpu-runners/templates.tf",
        _e('"${var.prefix}-${each.key}-"'),
        ("{p}-on-demand-", "{p}-spot-"),
    ),
    Name(
        "gcp vm name prefix",
        "modules/gcp-gpu-runners/locals.tf",
        _e('"${var.prefix}-ct-"'),
        ("{p}-ct-",),
    ),
]
GCP_KSERVE = [
    Name(
        "gcp service account id",
        "terraform/serving.tf",
        _e('"${local.prefix}-serving"'),
        ("{p}-serving",),
    ),
    Name(
        "gcp service account id",
        "terraform/serving.tf",
        _e('"${local.prefix}-capture"'),
        ("{p}-capture",),
    ),
]
GCP_MANAGED = [
    Name(
        "gcp custom role id",
        "terraform/serving.tf",
        _e('"${replace(local.prefix, "-", "_")}_model_publisher"'),
        ("{u}_model_publisher",),
    ),
]
AZURE = [
    *COMMON,
    Name(
        "azure resource group",
        "terraform/main.tf",
        r"  name     = length\(var.project_slug\) <= 90 \? ",
        ("{g}",),
    ),
    Name(
        "azure resource group",
        "terraform/versions.tf",
        r'resource_group_name  = "([^"]+)"',
        ("{m}",),
    ),
    Name(
        "azure storage account",
        "terraform/versions.tf",
        r'storage_account_name = "([^"]+)"',
        ("{m}",),
    ),
    Name(
        "azure storage account", "terraform/main.tf", r'storage_account_name = "([^"]+)"', ("{m}",)
    ),
    Name(
        "azure blob container", "terraform/main.tf", r'container_name       = "([^"]+)"', ("{m}",)
    ),
    Name(
        "azure container registry",
        "terraform/registry.tf",
        r'  name                 = "([^"]+)"',
        ("{m}",),
    ),
    Name(
        "azure user-assigned identity",
        "modules/azure-github-oidc/main.tf",
        _e('"${var.name_prefix}-${each.key}"'),
        tuple(f"{{s}}-{key}" for key in AWS_IDENTITIES),
    ),
]
AZURE_KSERVE = [
    Name(
        "azure user-assigned identity",
        "terraform/serving.tf",
        _e('"${var.project_slug}-serving"'),
        ("{s}-serving",),
    ),
    Name(
        "azure user-assigned identity",
        "terraform/serving.tf",
        _e('"${var.project_slug}-capture"'),
        ("{s}-capture",),
    ),
]
AZURE_MANAGED = [
    Name(
        "azure key vault",
        "terraform/serving.tf",
        r'  name                       = "([^"$]+)-\$\{local.ml_suffix\[each.key\]\}"',
        ("{m}-stg", "{m}-prd"),
    ),
    Name(
        "azure storage account",
        "terraform/serving.tf",
        r'  name                              = "([^"$]+)\$\{local.ml_suffix\[each.key\]\}"',
        ("{m}stg", "{m}prd"),
    ),
    Name(
        "azure user-assigned identity",
        "terraform/serving.tf",
        _e('"${var.project_slug}-endpoint-${each.key}"'),
        tuple(f"{{s}}-endpoint-{env}" for env in ENVIRONMENTS),
    ),
    Name(
        "azure ml online endpoint",
        "terraform/serving.tf",
        _e('"${local.azureml_endpoint_prefix}-${local.ml_suffix[environment]}-${substr(sha256('),
        ("{e}-stg-0123abcd", "{e}-prd-4567cdef"),
    ),
]
INVENTORY = {
    ("aws", "kserve"): AWS + AWS_KSERVE,
    ("aws", "managed"): AWS + AWS_MANAGED,
    ("gcp", "kserve"): GCP + GCP_KSERVE,
    ("gcp", "managed"): GCP + GCP_MANAGED,
    ("azure", "kserve"): AZURE + AZURE_KSERVE,
    ("azure", "managed"): AZURE + AZURE_MANAGED,
}
# Names Azure takes worldwide (a public DNS name: *.blob.core.windows.net, *.azurecr.io,
# *.vault.azure.net). The template builds each from an answer of cookiecutter.json that
# ends in ``azure_name_suffix``, which the root may end with one of the endings listed.
WORLDWIDE_KINDS = frozenset(
    {"azure storage account", "azure container registry", "azure key vault"}
)
WORLDWIDE = {
    "__azure_storage_account": ("azure storage account", ("",)),
    "__azure_tfstate_account": ("azure storage account", ("",)),
    "__azure_registry": ("azure container registry", ("",)),
    "__azure_key_vault": ("azure key vault", ("-stg", "-prd")),
    "__azure_ml_storage": ("azure storage account", ("stg", "prd")),
}
# The IAM scopes of AWS's infra identity (access.tf) cover these kinds by <p>-*.
AWS_SCOPED = ("aws iam role", "aws iam policy", "aws iam instance profile", "aws lambda function")

# Where the root computes p, k, t, u and g from var.project_slug: (file, regular
# expression whose group is the HCL expression), evaluated by the terraform binary.
EXPRESSIONS = {
    "aws": {
        "p": ("terraform/main.tf", r"^  name_prefix = (length\(var\.project_slug\).+)$"),
        "k": ("terraform/serving.tf", r"^  kubernetes_name = (.+)$"),
        "t": ("terraform/main.tf", r"^    project\s+= (substr\(.+)$"),
    },
    "gcp": {
        "p": ("terraform/main.tf", r"^  prefix\s+= (trimsuffix\(.+)$"),
        "k": ("terraform/serving.tf", r"^  kubernetes_name = (.+)$"),
        "t": ("terraform/main.tf", r"^    project\s+= (substr\(.+)$"),
    },
    "azure": {
        "k": ("terraform/serving.tf", r"^  kubernetes_name = (.+)$"),
        "t": ("terraform/main.tf", r"^    project\s+= (substr\(.+)$"),
        "g": ("terraform/main.tf", r"^  name     = (length\(var\.project_slug\) <= 90.+)$"),
        "e": ("terraform/serving.tf", r"^  azureml_endpoint_prefix = (.+)$"),
    },
}
# Short forms that only a managed-endpoint root computes (a KServe root has no endpoint).
MANAGED_ONLY = frozenset({"e"})
