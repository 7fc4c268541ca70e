# No deployment context: the region is the provider's.
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "gov"
  region = "us-gov-west-1"
}

resource "aws_kms_key" "data" { # expect: allowed-regions aws_kms_key.data
  description         = "Encrypts the data bucket"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" { # expect: allowed-regions aws_s3_bucket.data
  bucket = "acme-data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

# The aliased provider is in an allowed region.
resource "aws_s3_bucket" "gov" {
  provider = aws.gov
  bucket   = "acme-gov-data"
}

# Not an AWS resource: deployed to no region.
resource "random_id" "suffix" {
  byte_length = 4
}
