provider "aws" {
  region = "eu-west-1"
}

variable "datasets" {
  type        = set(string)
  description = "Datasets to store, one bucket each."
}

resource "aws_kms_key" "data" {
  description         = "Encrypts the dataset buckets"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  for_each = var.datasets
  bucket   = "acme-data-${each.key}"
}

resource "aws_s3_bucket_versioning" "data" {
  for_each = aws_s3_bucket.data
  bucket   = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_iam_role" "reader" {
  name = "dataset-reader"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}
