# join grown three times over 1,000 elements: 2 KB, 2 MB, then 2 GB per
# element (100 GB in all) without a budget.
locals {
  a = [for i in range(1000) : "x"]
  b = [for x in local.a : join(",", local.a)]
  c = [for x in local.b : join(",", local.b)]
  d = [for x in local.c : join(",", local.c)]
}

resource "aws_s3_bucket" "b" {
  bucket = local.d[0]
}
