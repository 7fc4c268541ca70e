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
    owner               = "data"
    data-classification = "internal"
  }
}
