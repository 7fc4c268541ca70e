# A database whose password comes from a sensitive variable, and a bucket
# whose encryption key is known only after apply: inspect shows the first
# as (sensitive) and the second as an unknown path with its reason.
provider "aws" {
  region = "eu-west-1"
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "api_key" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "orders" {
  identifier        = "orders"
  engine            = "postgres"
  instance_class    = "db.t4g.micro"
  allocated_storage = 20
  storage_encrypted = true
  username          = "app"
  password          = var.db_password
  tags = {
    api = var.api_key
  }
}

resource "aws_kms_key" "data" {
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}
