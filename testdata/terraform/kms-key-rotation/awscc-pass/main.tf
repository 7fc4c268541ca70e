provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_kms_key" "data" {
  description         = "Encrypts the orders data"
  enable_key_rotation = true
}
