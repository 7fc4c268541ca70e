# Two for expressions nested over 100,000 elements: 1e10 iterations.
locals {
  a = flatten([for i in range(1000) : range(100)])
  n = [for x in local.a : [for y in local.a : y]]
}

resource "aws_s3_bucket" "b" {
  bucket = length(local.n)
}
