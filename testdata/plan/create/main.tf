# Everything is created: an S3 bucket with its split SSE / versioning /
# public access block satellites, a KMS key, a security group with ingress,
# a launch template and an instance; a second, aliased provider in another
# region; a sensitive variable feeding the key's description.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { managed-by = "terraform" }
  }
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

variable "key_description" {
  type      = string
  sensitive = true
  default   = "s3cr3t-key-description"
}

resource "aws_kms_key" "data" {
  description         = var.key_description
  enable_key_rotation = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
  tags = {
    owner               = "platform"
    data-classification = "internal"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms:dsse"
      kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_launch_template" "web" {
  name          = "web"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_instance" "bastion" {
  provider               = aws.us
  ami                    = "ami-0fedcba9876543210"
  instance_type          = "t3.nano"
  vpc_security_group_ids = [aws_security_group.web.id]
  metadata_options {
    http_tokens = "optional"
  }
  tags = { Name = "bastion" }
}
