provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_s3_bucket" "reports" {
  bucket_name = "acme-reports"
  tags = [{
    key   = "owner"
    value = "analytics"
  }]

  lifecycle {
    ignore_changes = [tags] # expect: no-drift-suppression awscc_s3_bucket.reports
  }
}
