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
      sse_algorithm     = "aws:kms:dsse"
      kms_master_key_id = aws_kms_key.audit_logs.arn
    }
  }
}
