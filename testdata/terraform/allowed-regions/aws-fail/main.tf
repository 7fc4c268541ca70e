provider "aws" {
  region = "us-east-1"
}

resource "aws_kms_key" "data" { # expect: allowed-regions aws_kms_key.data
  description         = "Encrypts the data bucket"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" { # expect: allowed-regions aws_s3_bucket.data
  bucket = "acme-data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}
