# Values known only after apply, written as expressions over another
# resource's attributes. A bare reference (kms_master_key_id =
# aws_kms_key.sandbox.arn) stands for what it points at; an expression over
# an unknown (the conditional on key_id for sse_algorithm) is unknown until
# apply, even though the plan's configuration lists only its references.
# The logs configuration picks its key by a conditional whose condition is
# known (var.use_cmk): the .tf source shows the chosen branch is a bare
# reference, which the plan's references list alone cannot tell.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "eu-west-1"
}

variable "use_cmk" {
  type    = bool
  default = true
}

resource "aws_kms_key" "sandbox" {
  description         = "sandbox key"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "sandbox" {
  bucket = "acme-sandbox"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "sandbox" {
  bucket = aws_s3_bucket.sandbox.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = aws_kms_key.sandbox.key_id != "" ? "aws:kms" : "AES256"
      kms_master_key_id = aws_kms_key.sandbox.arn
    }
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-sandbox-logs"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.use_cmk ? aws_kms_key.sandbox.arn : null
    }
  }
}
