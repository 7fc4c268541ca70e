provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_kms_key" "audit_logs" {
  description         = "Encrypts the audit log bucket"
  enable_key_rotation = true
}

resource "awscc_s3_bucket" "audit_logs" {
  bucket_name = "acme-audit-logs"
  bucket_encryption = {
    server_side_encryption_configuration = [{
      server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms:dsse"
        kms_master_key_id = awscc_kms_key.audit_logs.arn
      }
    }]
  }
}
