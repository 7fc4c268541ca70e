provider "aws" {
  region = "us-gov-west-1"
}

resource "aws_kms_key" "data" {
  description         = "Encrypts the GovCloud data bucket"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-gov-data"
}
