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
      value = "secret" # expect: required-tags awscc_s3_bucket.reports
    },
  ]
}

resource "awscc_kms_key" "reports" {
  description         = "Encrypts the reports bucket"
  enable_key_rotation = true
  tags = [
    {
      key   = "owner"
      value = "" # expect: required-tags awscc_kms_key.reports
    },
    {
      key   = "data-classification"
      value = "public"
    },
  ]
}
