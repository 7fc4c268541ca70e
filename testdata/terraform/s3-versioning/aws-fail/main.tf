provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "cache" {
  bucket = "acme-build-cache"
}

resource "aws_s3_bucket_versioning" "cache" {
  bucket = aws_s3_bucket.cache.id
  versioning_configuration {
    status = var.cache_versioning # expect: s3-versioning aws_s3_bucket.cache
  }
}

resource "aws_s3_bucket" "tmp" { # expect: s3-versioning aws_s3_bucket.tmp
  bucket = "acme-build-tmp"
  tags = {
    lifetime = "ephemeral"
  }
}

resource "aws_s3_bucket" "store" {
  for_each = var.stores
  bucket   = "acme-${each.key}"
}

resource "aws_s3_bucket_versioning" "store" {
  for_each = aws_s3_bucket.store
  bucket   = each.value.id
  versioning_configuration {
    status = var.stores[each.key] # expect: s3-versioning aws_s3_bucket.store["uploads"]
  }
}
