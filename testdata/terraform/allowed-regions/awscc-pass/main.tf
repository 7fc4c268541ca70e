provider "awscc" {
  region = "us-gov-west-1"
}

resource "awscc_s3_bucket" "data" {
  bucket_name = "acme-gov-data"
}
