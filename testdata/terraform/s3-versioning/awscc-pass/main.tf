provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_s3_bucket" "artifacts" {
  bucket_name = "acme-artifacts"
  versioning_configuration = {
    status = "Enabled"
  }
}
