provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-${var.environment}-access-logs"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.log_algorithm # expect: s3-encryption-kms aws_s3_bucket.logs
    }
  }
}

# No encryption configuration at all: S3 falls back to SSE-S3.
resource "aws_s3_bucket" "scratch" { # expect: s3-encryption-kms aws_s3_bucket.scratch
  bucket = "acme-${var.environment}-scratch"
}
