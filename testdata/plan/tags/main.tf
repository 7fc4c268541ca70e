# A tag-only update: the owner tag changes and a cost-center tag is added.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "eu-central-1"
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
  tags = {
    owner               = "analytics"
    data-classification = "internal"
    cost-center         = "cc-42"
  }
}
