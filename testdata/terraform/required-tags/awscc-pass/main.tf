provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_s3_bucket" "reports" {
  bucket_name = "acme-reports"
  tags = [
    {
      key   = "owner"
      value = "analytics"
    },
    {
      key   = "data-classification"
      value = "internal"
    },
  ]
}
