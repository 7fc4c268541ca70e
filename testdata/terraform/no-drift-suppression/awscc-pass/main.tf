provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_kms_key" "reports" {
  description         = "Encrypts the reports bucket"
  enable_key_rotation = true

  lifecycle {
    prevent_destroy = true
  }
}
