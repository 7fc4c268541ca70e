# Each local is eight times the one before, in templates (no function call).
locals {
  s0 = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  s1 = "${local.s0}${local.s0}${local.s0}${local.s0}${local.s0}${local.s0}${local.s0}${local.s0}"
  s2 = "${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}"
  s3 = "${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}"
  s4 = "${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}"
  s5 = "${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}"
  s6 = "${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}"
  s7 = "${local.s6}${local.s6}${local.s6}${local.s6}${local.s6}${local.s6}${local.s6}${local.s6}"
  s8 = "${local.s7}${local.s7}${local.s7}${local.s7}${local.s7}${local.s7}${local.s7}${local.s7}"
  s9 = "${local.s8}${local.s8}${local.s8}${local.s8}${local.s8}${local.s8}${local.s8}${local.s8}"
  s10 = "${local.s9}${local.s9}${local.s9}${local.s9}${local.s9}${local.s9}${local.s9}${local.s9}"
}

resource "aws_s3_bucket" "b" {
  bucket = local.s10
}
