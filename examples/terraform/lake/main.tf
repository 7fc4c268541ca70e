# A data lake in Terraform: one local module called for each zone, the way
# real repositories split S3 settings into their own resources.
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

resource "aws_kms_key" "lake" {
  description         = "data lake key (${var.environment})"
  enable_key_rotation = true
}

module "zone" {
  source   = "./modules/bucket"
  for_each = var.zones

  name        = "lake-${each.key}-${var.environment}"
  kms_key_arn = each.value.encrypted ? aws_kms_key.lake.arn : null
  versioning  = each.value.versioning
}

resource "aws_security_group" "ingest" {
  name        = "lake-ingest"
  description = "Ingest API"

  dynamic "ingress" {
    for_each = var.ingress_ports
    content {
      description = "ingest ${ingress.value}"
      protocol    = "tcp"
      from_port   = ingress.value
      to_port     = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
