provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "gov"
  region = "us-gov-west-1"
}

provider "aws" {
  alias  = "gov_east"
  region = "us-gov-east-1"
}

resource "aws_kms_key" "data" {
  provider            = aws.gov
  description         = "Encrypts the GovCloud data bucket"
  enable_key_rotation = true
}

# A module gets the aliased provider through its providers map.
module "replica" {
  source    = "./modules/bucket"
  providers = { aws = aws.gov_east }
  name      = "acme-gov-replica"
}
