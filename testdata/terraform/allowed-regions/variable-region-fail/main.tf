variable "region" {
  type        = string
  description = "Region to deploy to; set per deployment (no default)."
}

provider "aws" {
  alias  = "eu"
  region = var.region
}

# The region is not known until the variable is set: neither pass nor fail.
resource "aws_s3_bucket" "data" { # expect: allowed-regions aws_s3_bucket.data unknown
  provider = aws.eu
  bucket   = "acme-data"
}
