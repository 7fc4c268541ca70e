provider "awscc" {
  region = "us-east-1"
}

resource "awscc_s3_bucket" "data" { # expect: allowed-regions awscc_s3_bucket.data
  bucket_name = "acme-data"
}
