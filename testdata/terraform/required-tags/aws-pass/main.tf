provider "aws" {
  region = "eu-west-1"
}

locals {
  common_tags = {
    owner = var.owner
  }
}

resource "aws_sqs_queue" "work" {
  for_each = var.queues
  name     = "acme-${each.key}"
  tags = merge(local.common_tags, {
    data-classification = each.value
  })
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
  tags = {
    owner               = var.owner
    data-classification = "restricted"
  }
}
