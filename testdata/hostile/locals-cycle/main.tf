locals {
  a = local.b
  b = local.a
}

resource "aws_s3_bucket" "b" {
  bucket = local.a
}
