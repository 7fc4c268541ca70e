provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_kms_key" "data" {
  description         = "Encrypts the data bucket"
  enable_key_rotation = true
}

resource "awscc_s3_bucket" "data" {
  bucket_name = "acme-data"
}
