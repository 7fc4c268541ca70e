provider "aws" {
  region = "eu-west-1"
}

locals {
  private_buckets = toset(["uploads", "exports"])
}

resource "aws_s3_bucket" "private" {
  for_each = local.private_buckets
  bucket   = "acme-${each.key}"
}

resource "aws_s3_bucket_public_access_block" "private" {
  for_each                = aws_s3_bucket.private
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
