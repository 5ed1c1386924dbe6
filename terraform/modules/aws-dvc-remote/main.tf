data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  prefix            = var.path == "" ? "" : "${trim(var.path, "/")}/"
  policy_prefix     = coalesce(var.policy_name_prefix, var.bucket_name)
  create_log_bucket = var.access_log_bucket == null
  log_bucket        = local.create_log_bucket ? aws_s3_bucket.logs[0].id : var.access_log_bucket
}

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

  statement {
    sid       = "S3AccessLogs"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    # Only S3 logging on behalf of this account (confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_kms_key" "remote" {
  description             = "DVC remote ${var.bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "remote" {
  name          = "alias/${var.bucket_name}"
  target_key_id = aws_kms_key.remote.key_id
}

resource "aws_s3_bucket" "remote" {
  #checkov:skip=CKV_AWS_144:DVC objects are content-addressed and versioned; cross-region replication is a cost decision left to the caller
  #checkov:skip=CKV2_AWS_62:nothing consumes object events; dvc push and pull are the only clients
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "remote" {
  bucket = aws_s3_bucket.remote.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "remote" {
  bucket                  = aws_s3_bucket.remote.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "remote" {
  bucket = aws_s3_bucket.remote.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "remote" {
  bucket = aws_s3_bucket.remote.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.remote.arn
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "remote" {
  bucket     = aws_s3_bucket.remote.id
  depends_on = [aws_s3_bucket_versioning.remote]

  rule {
    id     = "dvc-remote"
    status = "Enabled"

    filter {}

    transition {
      days          = var.infrequent_access_after_days
      storage_class = "STANDARD_IA"
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Captured inference data grows with traffic: it expires, and its old versions go a day later.
  rule {
    id     = "monitoring"
    status = "Enabled"

    filter {
      prefix = "${local.prefix}monitoring/"
    }

    expiration {
      days = var.monitoring_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_logging" "remote" {
  bucket        = aws_s3_bucket.remote.id
  target_bucket = local.log_bucket
  target_prefix = "s3/${var.bucket_name}/"
  # S3 refuses a target whose policy does not yet let the logging service write.
  depends_on = [aws_s3_bucket_policy.logs]
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.remote.arn, "${aws_s3_bucket.remote.arn}/*"]

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

resource "aws_s3_bucket_policy" "remote" {
  bucket     = aws_s3_bucket.remote.id
  policy     = data.aws_iam_policy_document.bucket.json
  depends_on = [aws_s3_bucket_public_access_block.remote]
}

data "aws_iam_policy_document" "read" {
  statement {
    sid       = "ListRemote"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.remote.arn]
  }

  statement {
    sid       = "ReadObjects"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.remote.arn}/*"]
  }

  statement {
    sid       = "DecryptObjects"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.remote.arn]
  }
}

data "aws_iam_policy_document" "write" {
  source_policy_documents = [data.aws_iam_policy_document.read.json]

  statement {
    sid       = "WriteObjects"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = ["${aws_s3_bucket.remote.arn}/*"]
  }

  statement {
    sid       = "EncryptObjects"
    actions   = ["kms:GenerateDataKey"]
    resources = [aws_kms_key.remote.arn]
  }
}

# Managed CD reads the pinned model (<path>/files/md5/) and copies it under
# <path>/serving/ for the endpoint to load; it lists nothing and reads nothing else.
data "aws_iam_policy_document" "publish" {
  statement {
    sid       = "ReadPinnedModels"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.remote.arn}/${local.prefix}files/md5/*"]
  }

  statement {
    sid       = "PublishServingCopies"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${aws_s3_bucket.remote.arn}/${local.prefix}serving/*"]
  }

  statement {
    sid       = "UseTheKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.remote.arn]
  }
}

# The drift monitor: reads the captured inference data (<path>/monitoring/) and
# the pinned data (<path>/files/md5/), and pushes a registered window as DVC
# objects (<path>/files/md5/, no deletes); it lists those two folders only.
data "aws_iam_policy_document" "monitor" {
  statement {
    sid       = "ListCaptureAndObjects"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.remote.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.prefix}files/md5/*", "${local.prefix}monitoring/*"]
    }
  }

  statement {
    sid       = "BucketRegion"
    actions   = ["s3:GetBucketLocation"]
    resources = [aws_s3_bucket.remote.arn]
  }

  # "monitoring" itself: s3fs asks for it (HEAD) before it lists the folder.
  statement {
    sid       = "ReadCaptureAndObjects"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.remote.arn}/${local.prefix}files/md5/*", "${aws_s3_bucket.remote.arn}/${local.prefix}monitoring", "${aws_s3_bucket.remote.arn}/${local.prefix}monitoring/*"]
  }

  statement {
    sid       = "PushObjects"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = ["${aws_s3_bucket.remote.arn}/${local.prefix}files/md5/*"]
  }

  statement {
    sid       = "UseTheKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.remote.arn]
  }
}

resource "aws_iam_policy" "monitor" {
  name        = "${local.policy_prefix}-monitor"
  description = "Read ${local.prefix}monitoring/ and ${local.prefix}files/md5/ of ${var.bucket_name}, push to ${local.prefix}files/md5/"
  policy      = data.aws_iam_policy_document.monitor.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "monitor" {
  for_each = toset(var.monitor_role_names)

  role       = each.value
  policy_arn = aws_iam_policy.monitor.arn
}

resource "aws_iam_policy" "publish" {
  name        = "${local.policy_prefix}-publish"
  description = "Read pinned models of ${var.bucket_name} and write serving copies under ${local.prefix}serving/"
  policy      = data.aws_iam_policy_document.publish.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "publish" {
  for_each = toset(var.publisher_role_names)

  role       = each.value
  policy_arn = aws_iam_policy.publish.arn
}

resource "aws_iam_policy" "read" {
  name        = "${local.policy_prefix}-read"
  description = "Pull from the DVC remote ${var.bucket_name}"
  policy      = data.aws_iam_policy_document.read.json
  tags        = var.tags
}

resource "aws_iam_policy" "write" {
  name        = "${local.policy_prefix}-write"
  description = "Push to and pull from the DVC remote ${var.bucket_name}; no deletes"
  policy      = data.aws_iam_policy_document.write.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "write" {
  for_each = toset(var.writer_role_names)

  role       = each.value
  policy_arn = aws_iam_policy.write.arn
}

resource "aws_iam_role_policy_attachment" "read" {
  for_each = toset(var.reader_role_names)

  role       = each.value
  policy_arn = aws_iam_policy.read.arn
}

# Writers of one folder (a capture sink such as the KServe request logger's):
# they add objects under it and do nothing else; no list, no read, no delete.
data "aws_iam_policy_document" "folder_write" {
  for_each = var.folder_writers

  statement {
    sid       = "AddObjectsToTheFolder"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${aws_s3_bucket.remote.arn}/${local.prefix}${trim(each.value, "/")}/*"]
  }

  # Put encrypts with the remote's key (and a multipart upload decrypts its data key).
  statement {
    sid       = "EncryptObjects"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.remote.arn]

    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["s3.*.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "folder_write" {
  for_each = var.folder_writers

  name        = "${local.policy_prefix}-write-${each.key}"
  description = "Add objects under ${local.prefix}${trim(each.value, "/")}/ of ${var.bucket_name}; nothing else"
  policy      = data.aws_iam_policy_document.folder_write[each.key].json
  tags        = var.tags
}
