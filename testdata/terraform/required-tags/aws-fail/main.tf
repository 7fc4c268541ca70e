provider "aws" {
  region = "eu-west-1"
}

# The archive account's provider tags everything with a classification
# that is not one of the allowed values: the finding points at it.
provider "aws" {
  alias  = "archive"
  region = "eu-west-1"
  default_tags {
    tags = {
      owner               = var.owner
      data-classification = "top-secret" # expect: required-tags aws_sns_topic.archive
    }
  }
}

resource "aws_sns_topic" "archive" {
  provider = aws.archive
  name     = "acme-archive"
}

# A missing tag points at the tags argument.
resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
  tags = { # expect: required-tags aws_s3_bucket.reports
    owner = var.owner
  }
}

resource "aws_kms_key" "reports" { # expect: required-tags aws_kms_key.reports; required-tags aws_kms_key.reports
  description         = "Encrypts the reports bucket"
  enable_key_rotation = true
}

module "queue" {
  source         = "./modules/queue"
  for_each       = var.queues
  name           = "acme-${each.key}"
  owner          = var.owner
  classification = each.value
}

# The template's own classification is outside the allowed set; the tags
# of the instances it launches (tag_specifications) do not tag the
# template.
resource "aws_launch_template" "workers" {
  name     = "acme-workers"
  image_id = "ami-0abcdef1234567890"
  tags = {
    owner               = var.owner
    data-classification = "top-secret" # expect: required-tags aws_launch_template.workers
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      data-classification = "internal"
    }
  }
}

# Only the instances are tagged: the template itself has no tags.
resource "aws_launch_template" "batch" { # expect: required-tags aws_launch_template.batch; required-tags aws_launch_template.batch
  name     = "acme-batch"
  image_id = "ami-0abcdef1234567890"
  tag_specifications {
    resource_type = "instance"
    tags = {
      owner               = var.owner
      data-classification = "internal"
    }
  }
}
