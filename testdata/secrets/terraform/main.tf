variable "sse_default" {
  type      = string
  sensitive = true
  default   = "CANARY-tf-default-8c1f"
}
resource "aws_s3_bucket" "default" {
  bucket = "canary-default"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "default" {
  bucket = aws_s3_bucket.default.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.sse_default
    }
  }
}

variable "status_tfvars" {
  type      = string
  sensitive = true
}

resource "aws_s3_bucket_versioning" "default" {
  bucket = aws_s3_bucket.default.id
  versioning_configuration {
    status = var.status_tfvars
  }
}

variable "sse_cli" {
  type      = string
  sensitive = true
}

variable "status_env" {
  type      = string
  sensitive = true
}

resource "aws_s3_bucket" "cli" {
  bucket = "canary-cli"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "cli" {
  bucket = aws_s3_bucket.cli.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.sse_cli
    }
  }
}

resource "aws_s3_bucket_versioning" "cli" {
  bucket = aws_s3_bucket.cli.id
  versioning_configuration {
    status = var.status_env
  }
}

module "keys" {
  source = "./modules/keys"
}

variable "status_function" {
  type      = string
  sensitive = true
  default   = "canary-function-a9d4"
}
resource "aws_s3_bucket" "derived" {
  bucket = "canary-derived"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "derived" {
  bucket = aws_s3_bucket.derived.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = module.keys.algorithm
    }
  }
}

resource "aws_s3_bucket_versioning" "derived" {
  bucket = aws_s3_bucket.derived.id
  versioning_configuration {
    status = upper(var.status_function)
  }
}
