provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_kms_key" "data" {
  description         = "Encrypts the data bucket"
  enable_key_rotation = true
}

resource "awscc_s3_bucket" "data" {
  bucket_name = "acme-prod-data"
  bucket_encryption = {
    server_side_encryption_configuration = [{
      server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = awscc_kms_key.data.arn
      }
      bucket_key_enabled = true
    }]
  }
}
