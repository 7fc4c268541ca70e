provider "aws" {
  region = "eu-west-1"
}

resource "aws_kms_key" "reports" { # expect: required-tags aws_kms_key.reports; required-tags aws_kms_key.reports
  description         = "Encrypts the reports bucket"
  enable_key_rotation = true
}

module "queue" {
  source         = "./modules/queue"
  for_each       = var.queues
  name           = "acme-${each.key}"
  owner          = var.owner
  classification = each.value
}
