# The owner tag comes from the provider's default_tags, as most real
# configurations set it; the bucket sets only its classification.
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = {
      owner = var.owner
    }
  }
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
    data-classification = "restricted"
  }
}

# A route table association takes no tags: default_tags do not reach it.
resource "aws_route_table_association" "private" {
  subnet_id      = "subnet-0a1b2c3d"
  route_table_id = "rtb-0a1b2c3d"
}

# A launch template's tags (here with the provider's default owner tag)
# tag the template itself, as its launch-template TagSpecifications entry
# does in CloudFormation.
resource "aws_launch_template" "workers" {
  name          = "acme-workers"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  tags = {
    data-classification = "internal"
  }
}
