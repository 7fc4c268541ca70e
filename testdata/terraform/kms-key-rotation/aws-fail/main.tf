provider "aws" {
  region = "eu-west-1"
}

resource "aws_kms_key" "orders" { # expect: kms-key-rotation aws_kms_key.orders
  description = "Encrypts the orders data"
}

resource "aws_kms_key" "legacy" {
  description         = "Encrypts the legacy archive"
  enable_key_rotation = false # expect: kms-key-rotation aws_kms_key.legacy
}

variable "archive_rotation" {
  type        = bool
  description = "Whether the archive key rotates; set per deployment."
}

resource "aws_kms_key" "archive" {
  description         = "Encrypts the archive"
  enable_key_rotation = var.archive_rotation # expect: kms-key-rotation aws_kms_key.archive unknown
}
