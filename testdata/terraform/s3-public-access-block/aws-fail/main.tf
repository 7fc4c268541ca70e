provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "assets" {
  bucket = "acme-public-assets"
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket                  = aws_s3_bucket.assets.id
  block_public_acls       = true
  block_public_policy     = !var.allow_public_policy # expect: s3-public-access-block aws_s3_bucket.assets
  ignore_public_acls      = true
  restrict_public_buckets = false # expect: s3-public-access-block aws_s3_bucket.assets
}

resource "aws_s3_bucket" "uploads" { # expect: s3-public-access-block aws_s3_bucket.uploads
  bucket = "acme-uploads"
}
