resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_18:this is the access-log bucket itself; logging it into itself would loop
  #checkov:skip=CKV_AWS_144:access logs are kept in the region they describe
  #checkov:skip=CKV2_AWS_62:nothing consumes events of the access-log bucket
  count = local.create_log_bucket ? 1 : 0

  bucket        = "${var.bucket_name}-logs"
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  count  = local.create_log_bucket ? 1 : 0
  bucket = aws_s3_bucket.logs[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  count                   = local.create_log_bucket ? 1 : 0
  bucket                  = aws_s3_bucket.logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "logs" {
  count  = local.create_log_bucket ? 1 : 0
  bucket = aws_s3_bucket.logs[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  count  = local.create_log_bucket ? 1 : 0
  bucket = aws_s3_bucket.logs[0].id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.remote.arn
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  count      = local.create_log_bucket ? 1 : 0
  bucket     = aws_s3_bucket.logs[0].id
  depends_on = [aws_s3_bucket_versioning.logs]

  rule {
    id     = "access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = 365
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "logs" {
  count = local.create_log_bucket ? 1 : 0

  statement {
    sid       = "S3ServerAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs[0].arn}/s3/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.logs[0].arn, "${aws_s3_bucket.logs[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  count      = local.create_log_bucket ? 1 : 0
  bucket     = aws_s3_bucket.logs[0].id
  policy     = data.aws_iam_policy_document.logs[0].json
  depends_on = [aws_s3_bucket_public_access_block.logs]
}
