provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_s3_bucket" "logs" {
  bucket_name = "acme-prod-logs"
  bucket_encryption = {
    server_side_encryption_configuration = [{
      server_side_encryption_by_default = {
        sse_algorithm = "AES256" # expect: s3-encryption-kms awscc_s3_bucket.logs
      }
    }]
  }
}

resource "awscc_s3_bucket" "scratch" { # expect: s3-encryption-kms awscc_s3_bucket.scratch
  bucket_name = "acme-prod-scratch"
}
