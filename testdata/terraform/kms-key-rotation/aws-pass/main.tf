provider "aws" {
  region = "eu-west-1"
}

variable "keys" {
  type        = map(string)
  description = "Symmetric keys to create, by alias, with their description."
}

resource "aws_kms_key" "data" {
  for_each            = var.keys
  description         = each.value
  enable_key_rotation = true
}

resource "aws_kms_alias" "data" {
  for_each      = aws_kms_key.data
  name          = "alias/${each.key}"
  target_key_id = each.value.arn
}

# Asymmetric signing keys cannot rotate automatically: exempt.
resource "aws_kms_key" "signing" {
  description              = "Signs release manifests"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
}
