provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
  tags = {
    owner = "analytics"
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_key" "reports" {
  description         = "Encrypts the reports bucket"
  enable_key_rotation = true

  lifecycle {
    create_before_destroy = true
  }
}
