provider "aws" {
  region = "eu-west-1"
}

resource "aws_kms_key" "data" {
  description         = "Encrypts the ${var.environment} data buckets"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  for_each = var.buckets
  bucket   = "acme-${var.environment}-${each.key}"
  tags = {
    purpose = each.value.purpose
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  for_each = aws_s3_bucket.data
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}
