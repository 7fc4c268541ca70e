# A local module called with for_each: each lake bucket gets its own SSE
# configuration encrypting with the root module's key, and a second set of
# keys per zone inside the root, also with for_each.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "eu-central-1"
}

resource "aws_kms_key" "lake" {
  for_each            = toset(["raw", "curated"])
  description         = "lake ${each.key}"
  enable_key_rotation = true
}

module "lake" {
  source      = "./modules/bucket"
  for_each    = toset(["raw", "curated"])
  name        = "acme-lake-${each.key}"
  kms_key_arn = aws_kms_key.lake[each.key].arn
}
