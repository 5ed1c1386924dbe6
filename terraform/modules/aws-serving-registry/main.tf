data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:a key policy's "*" resource means this key only, and the account root must administer it
  #checkov:skip=CKV_AWS_356:a key policy's "*" resource means this key only
  #checkov:skip=CKV_AWS_109:a key policy's "*" resource means this key only, and the account root must administer it
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

# ECR encrypts the layers with this key through a grant it makes when the
# repository is created: pushers and pullers need no KMS permission of their own.
resource "aws_kms_key" "registry" {
  description             = "Serving image repository ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "registry" {
  name          = "alias/ecr/${var.name}"
  target_key_id = aws_kms_key.registry.key_id
}

resource "aws_ecr_repository" "serving" {
  name = var.name
  # A digest pin and its tag never part: a tag cannot be moved to another image.
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete
  tags                 = var.tags

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.registry.arn
  }
}

locals {
  # serve-image.yml tags every image a deploy pin names pinned-<digest hex>; retention
  # never expires an image that carries such a tag.
  protected_tag_prefix = "pinned-"
}

# ECR applies the rules by rulePriority, lowest first, and an image whose tags match a
# rule's selection can never be expired by a rule of lower priority (a higher number),
# though that rule still counts it. Rule 1 selects the pinned images: it could expire only
# those beyond its 9999 (the idiom AWS's own CDK documents for "keep these"), so a pinned
# image, however old (production may lag staging by many builds), is out of reach of the
# count rule below. The rule selecting any image must have the highest number.
resource "aws_ecr_lifecycle_policy" "serving" {
  repository = aws_ecr_repository.serving.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Images a deploy pin names (tag prefix ${local.protected_tag_prefix}) are kept"
        selection    = { tagStatus = "tagged", tagPrefixList = [local.protected_tag_prefix], countType = "imageCountMoreThan", countNumber = 9999 }
        action       = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Untagged images after ${var.untagged_retention_days} days"
        selection    = { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = var.untagged_retention_days }
        action       = { type = "expire" }
      },
      {
        rulePriority = 3
        description  = "At most ${var.max_image_count} images, pinned ones apart"
        selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = var.max_image_count }
        action       = { type = "expire" }
      },
    ]
  })
}

data "aws_iam_policy_document" "pullers" {
  count = length(var.puller_arns) > 0 ? 1 : 0

  statement {
    sid     = "PullTheServingImage"
    actions = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

    principals {
      type        = "AWS"
      identifiers = var.puller_arns
    }
  }
}

resource "aws_ecr_repository_policy" "pullers" {
  count = length(var.puller_arns) > 0 ? 1 : 0

  repository = aws_ecr_repository.serving.name
  policy     = data.aws_iam_policy_document.pullers[0].json
}

# ECR's sign-in token has no resource-level permission; what it lets a caller
# do is what the statements on the repository allow.
data "aws_iam_policy_document" "pull" {
  statement {
    sid       = "SignInToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullTheServingImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [aws_ecr_repository.serving.arn]
  }
}

# Push to this repository only: new layers and images, never a delete (and
# the tags are immutable, so no push replaces an image a pin names). PutImage of a
# manifest the repository holds adds a tag to that image: how serve-image.yml marks
# a pinned image pinned-<digest hex>, which the lifecycle policy never expires.
data "aws_iam_policy_document" "push" {
  source_policy_documents = [data.aws_iam_policy_document.pull.json]

  statement {
    sid       = "PushTheServingImage"
    actions   = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
    resources = [aws_ecr_repository.serving.arn]
  }
}

resource "aws_iam_policy" "pull" {
  name        = "${var.name}-pull"
  description = "Pull the serving image from the ECR repository ${var.name}"
  policy      = data.aws_iam_policy_document.pull.json
  tags        = var.tags
}

resource "aws_iam_policy" "push" {
  name        = "${var.name}-push"
  description = "Push the serving image to the ECR repository ${var.name} only; no deletes"
  policy      = data.aws_iam_policy_document.push.json
  tags        = var.tags
}
