provider "aws" {
  region = "eu-west-1"
}

variable "artifact_sets" {
  type        = map(string)
  description = "Artifact buckets by short name, with their owning team."
}

resource "aws_s3_bucket" "artifacts" {
  for_each = var.artifact_sets
  bucket   = "acme-artifacts-${each.key}"
  tags = {
    owner = each.value
  }
}

resource "aws_s3_bucket_versioning" "artifacts" {
  for_each = aws_s3_bucket.artifacts
  bucket   = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}
