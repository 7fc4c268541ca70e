provider "aws" {
  region = "eu-west-1"
}

resource "aws_kms_key" "audit_logs" {
  description         = "Encrypts the audit log bucket"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "audit_logs" {
  bucket = "acme-audit-logs"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "audit_logs" {
  bucket = aws_s3_bucket.audit_logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms" # expect: s3-dual-layer-encryption aws_s3_bucket.audit_logs
      kms_master_key_id = aws_kms_key.audit_logs.arn
    }
  }
}

resource "aws_s3_bucket" "trail" {
  bucket = "acme-trail"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms:dsse"
      kms_master_key_id = "alias/aws/s3" # expect: s3-dual-layer-encryption aws_s3_bucket.trail
    }
  }
}

resource "aws_s3_bucket" "exports" { # expect: s3-dual-layer-encryption aws_s3_bucket.exports
  bucket = "acme-exports"
}

resource "aws_s3_bucket" "archive" {
  bucket = "acme-archive"
}

# No kms_master_key_id: S3 would use the AWS managed key; the finding
# points at the block where the key is missing.
resource "aws_s3_bucket_server_side_encryption_configuration" "archive" {
  bucket = aws_s3_bucket.archive.id
  rule {
    apply_server_side_encryption_by_default { # expect: s3-dual-layer-encryption aws_s3_bucket.archive
      sse_algorithm = "aws:kms:dsse"
    }
  }
}
