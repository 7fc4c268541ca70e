provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

# Compute is not allowed in the data-only environment.
resource "aws_instance" "etl" { # expect: allowed-resource-types aws_instance.etl
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.large"
}

# Long-lived IAM users and keys are denied outright.
resource "aws_iam_user" "ci" { # expect: allowed-resource-types aws_iam_user.ci
  name = "ci-uploader"
}

resource "aws_iam_access_key" "ci" { # expect: allowed-resource-types aws_iam_access_key.ci
  user = aws_iam_user.ci.name
}
