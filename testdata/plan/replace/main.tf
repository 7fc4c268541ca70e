# Forces-new changes: the bucket is renamed, the instance gets a new AMI.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "eu-central-1"
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data-v2"
}

resource "aws_instance" "app" {
  ami           = "ami-0fedcba9876543210"
  instance_type = "t3.micro"
}
