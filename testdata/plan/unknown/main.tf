# Values known only after apply: the SSE configuration uses the ARN of a key
# created in the same plan (a reference rules can decide on), and a variable
# feeds a computed value through a template (truly unknown).
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "eu-central-1"
}

variable "env" {
  type    = string
  default = "prod"
}

resource "aws_kms_key" "data" {
  description         = "data key"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-${var.env}-data"
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

resource "aws_launch_template" "app" {
  name        = "app-${var.env}"
  description = "key ${aws_kms_key.data.key_id} in ${var.env}"
  image_id    = "ami-0123456789abcdef0"
}
