variable "zones" {
  type = set(string)
}

variable "sse_algorithm" {
  type = string
}

resource "aws_s3_bucket" "this" {
  for_each = var.zones
  bucket   = "lake-${each.key}"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.sse_algorithm
    }
  }
}
