# Conformance fixture (same infrastructure as ../cloudformation/template.yaml
# and replica.yaml), written with the awscc provider (Cloud Control API).
terraform {
  required_providers {
    awscc = {
      source = "hashicorp/awscc"
    }
  }
}

provider "awscc" {
  region = "eu-west-1"
}

provider "awscc" {
  alias  = "us"
  region = "us-east-1"
}

variable "environment" {
  type    = string
  default = "staging"
}

locals {
  tags = [{
    key   = "data-classification"
    value = "internal"
  }]
}

resource "awscc_kms_key" "data" {
  description         = "data key"
  enable_key_rotation = true
  tags                = local.tags
}

resource "awscc_kms_key" "legacy" {
  description         = "legacy key"
  enable_key_rotation = false
  tags                = local.tags
}

resource "awscc_s3_bucket" "data" {
  bucket_name = "conformance-data-${var.environment}"
  bucket_encryption = {
    server_side_encryption_configuration = [{
      server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = awscc_kms_key.data.key_id
      }
    }]
  }
  versioning_configuration = {
    status = "Enabled"
  }
  public_access_block_configuration = {
    block_public_acls       = true
    block_public_policy     = true
    ignore_public_acls      = true
    restrict_public_buckets = true
  }
  tags = local.tags
}

resource "awscc_s3_bucket" "logs" {
  bucket_name = "conformance-logs-${var.environment}"
  bucket_encryption = {
    server_side_encryption_configuration = [{
      server_side_encryption_by_default = {
        sse_algorithm = "AES256"
      }
    }]
  }
  versioning_configuration = {
    # stackgate:ignore s3-versioning access logs are re-delivered, never edited
    status = "Suspended"
  }
  public_access_block_configuration = {
    block_public_acls       = true
    block_public_policy     = false
    ignore_public_acls      = true
    restrict_public_buckets = true
  }
  tags = [{
    key   = "data-classification"
    value = "secret"
  }]
}

resource "awscc_s3_bucket" "sandbox" {
  bucket_name = "conformance-sandbox-${var.environment}"
  bucket_encryption = {
    server_side_encryption_configuration = [{
      server_side_encryption_by_default = {
        sse_algorithm = awscc_kms_key.data.key_id != "" ? "aws:kms" : "AES256"
      }
    }]
  }
  versioning_configuration = {
    status = "Enabled"
  }
  public_access_block_configuration = {
    block_public_acls       = true
    block_public_policy     = true
    ignore_public_acls      = true
    restrict_public_buckets = true
  }
  tags = local.tags
}

resource "awscc_s3_bucket" "replica" {
  provider    = awscc.us
  bucket_name = "conformance-replica"
  bucket_encryption = {
    server_side_encryption_configuration = [{
      server_side_encryption_by_default = {
        sse_algorithm = "aws:kms"
      }
    }]
  }
  versioning_configuration = {
    status = "Enabled"
  }
  public_access_block_configuration = {
    block_public_acls       = true
    block_public_policy     = true
    ignore_public_acls      = true
    restrict_public_buckets = true
  }
  tags = local.tags
}

resource "awscc_ec2_security_group" "web" {
  group_description = "web tier"
  security_group_ingress = [
    {
      ip_protocol = "tcp"
      from_port   = 443
      to_port     = 443
      cidr_ip     = "0.0.0.0/0"
    },
    {
      ip_protocol = "tcp"
      from_port   = 22
      to_port     = 22
      cidr_ip     = "0.0.0.0/0"
    },
  ]
  tags = local.tags
}

resource "awscc_ec2_security_group_ingress" "ssh_v6" {
  group_id    = awscc_ec2_security_group.web.group_id
  ip_protocol = "tcp"
  from_port   = 22
  to_port     = 22
  cidr_ipv_6  = "::/0"
}

resource "awscc_ec2_launch_template" "app" {
  launch_template_data = {
    image_id      = "ami-0abcdef1234567890"
    instance_type = "t3.micro"
    metadata_options = {
      http_tokens = "optional"
    }
  }
  tag_specifications = [{
    resource_type = "launch-template"
    tags          = local.tags
  }]
}
