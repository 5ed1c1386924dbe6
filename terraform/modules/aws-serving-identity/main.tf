locals {
  irsa     = var.oidc_provider_arn != null && var.oidc_issuer != null
  subjects = sort([for account in values(var.service_accounts) : "system:serviceaccount:${account.namespace}:${account.name}"])
}

data "aws_iam_policy_document" "trust" {
  # IRSA: the cluster's OIDC tokens of exactly these service accounts.
  dynamic "statement" {
    for_each = local.irsa ? [var.oidc_issuer] : []
    content {
      sid     = "KubernetesServiceAccounts"
      actions = ["sts:AssumeRoleWithWebIdentity"]

      principals {
        type        = "Federated"
        identifiers = [var.oidc_provider_arn]
      }

      condition {
        test     = "StringEquals"
        variable = "${statement.value}:aud"
        values   = ["sts.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "${statement.value}:sub"
        values   = local.subjects
      }
    }
  }

  # EKS Pod Identity: the agent tags the session with the pod's namespace and account.
  dynamic "statement" {
    for_each = var.pod_identity_cluster_name != null ? [var.pod_identity_cluster_name] : []
    content {
      sid     = "EksPodIdentity"
      actions = ["sts:AssumeRole", "sts:TagSession"]

      principals {
        type        = "Service"
        identifiers = ["pods.eks.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/eks-cluster-name"
        values   = [statement.value]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/kubernetes-namespace"
        values   = distinct([for account in values(var.service_accounts) : account.namespace])
      }

      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/kubernetes-service-account"
        values   = distinct([for account in values(var.service_accounts) : account.name])
      }
    }
  }
}

resource "aws_iam_role" "serving" {
  name                 = var.name
  description          = var.description
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = local.irsa || var.pod_identity_cluster_name != null
      error_message = "Give oidc_provider_arn and oidc_issuer (IRSA), pod_identity_cluster_name (EKS Pod Identity), or both."
    }
  }
}

resource "aws_iam_role_policy_attachment" "serving" {
  for_each = var.policy_arns

  role       = aws_iam_role.serving.name
  policy_arn = each.value
}

resource "aws_eks_pod_identity_association" "serving" {
  for_each = var.pod_identity_cluster_name != null ? var.service_accounts : {}

  cluster_name    = var.pod_identity_cluster_name
  namespace       = each.value.namespace
  service_account = each.value.name
  role_arn        = aws_iam_role.serving.arn
  tags            = var.tags
}
