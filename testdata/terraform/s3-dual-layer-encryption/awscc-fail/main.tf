provider "awscc" {
  region = "eu-west-1"
}

# No kms_master_key_id: S3 would use the AWS managed key. The finding points
# at the object where the key is missing.
resource "awscc_s3_bucket" "audit_logs" {
  bucket_name = "acme-audit-logs"
  bucket_encryption = {
    server_side_encryption_configuration = [{
      server_side_encryption_by_default = { # expect: s3-dual-layer-encryption awscc_s3_bucket.audit_logs
        sse_algorithm = "aws:kms:dsse"
      }
    }]
  }
}

resource "awscc_kms_key" "reports" {
  description         = "Encrypts the reports bucket"
  enable_key_rotation = true
}

resource "awscc_s3_bucket" "reports" {
  bucket_name = "acme-reports"
  bucket_encryption = {
    server_side_encryption_configuration = [{
      server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms" # expect: s3-dual-layer-encryption awscc_s3_bucket.reports
        kms_master_key_id = awscc_kms_key.reports.arn
      }
    }]
  }
}
