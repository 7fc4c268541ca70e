terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

locals {
  common_tags = {
    team        = "data-platform"
    environment = var.environment
  }
  tags = merge(local.common_tags, { managed_by = "terraform" })
}

resource "aws_kms_key" "data" {
  description         = "data lake key"
  enable_key_rotation = true
  tags                = local.tags
}

resource "aws_s3_bucket" "lake" {
  for_each = var.zones

  bucket = "${var.prefix}-${each.key}"
  tags   = merge(local.tags, { zone = each.key, tier = each.value.tier })

  lifecycle {
    ignore_changes  = [tags["LastScanned"], replication_configuration]
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "lake" {
  for_each = aws_s3_bucket.lake

  bucket = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms:dsse"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "lake" {
  for_each = var.zones

  bucket = aws_s3_bucket.lake[each.key].id
  versioning_configuration {
    status = each.value.versioned ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket" "logs" {
  provider = aws.west
  bucket   = "${var.prefix}-logs"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  provider = aws.west
  bucket   = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.sse_algorithm
    }
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = var.restrict
}

resource "aws_db_instance" "main" {
  identifier        = "main"
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  username          = "app"
  password          = var.db_password
  storage_encrypted = true
}
