provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_s3_bucket" "cache" {
  bucket_name = "acme-build-cache"
  versioning_configuration = {
    status = "Suspended" # expect: s3-versioning awscc_s3_bucket.cache
  }
}

resource "awscc_s3_bucket" "tmp" { # expect: s3-versioning awscc_s3_bucket.tmp
  bucket_name = "acme-build-tmp"
}
