provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_s3_bucket" "uploads" {
  bucket_name = "acme-uploads"
  public_access_block_configuration = {
    block_public_acls       = true
    block_public_policy     = true
    ignore_public_acls      = true
    restrict_public_buckets = true
  }
}
