provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_kms_key" "legacy" {
  description         = "Encrypts the legacy archive"
  enable_key_rotation = false # expect: kms-key-rotation awscc_kms_key.legacy
}

resource "awscc_kms_key" "orders" { # expect: kms-key-rotation awscc_kms_key.orders
  description = "Encrypts the orders data"
}
