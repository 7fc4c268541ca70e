provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
  tags = {
    owner = "analytics"
  }

  lifecycle {
    ignore_changes = [tags] # expect: no-drift-suppression aws_s3_bucket.reports
  }
}

resource "aws_instance" "bastion" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  lifecycle {
    ignore_changes = all # expect: no-drift-suppression aws_instance.bastion
  }
}
