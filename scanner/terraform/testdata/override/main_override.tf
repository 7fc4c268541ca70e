# Production settings, merged over main.tf by Terraform.
resource "aws_s3_bucket" "data" {
  bucket = "acme-data-prod"
  lifecycle {
    ignore_changes = [tags]
  }
}

variable "region" {
  default = "eu-west-1"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "alias/data"
    }
  }
}

resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

locals {
  logs_name = "acme-logs-${var.region}"
}
