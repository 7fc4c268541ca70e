provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_s3_bucket" "assets" {
  bucket_name = "acme-public-assets"
  public_access_block_configuration = {
    block_public_acls       = true
    block_public_policy     = false # expect: s3-public-access-block awscc_s3_bucket.assets
    ignore_public_acls      = true
    restrict_public_buckets = true
  }
}

resource "awscc_s3_bucket" "uploads" { # expect: s3-public-access-block awscc_s3_bucket.uploads
  bucket_name = "acme-uploads"
}
