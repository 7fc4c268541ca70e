# Provider default_tags reach every aws resource, in modules too, through
# the provider configuration each one uses.
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = {
      owner       = var.owner
      cost-center = var.cost_center
    }
  }
}

provider "aws" {
  alias  = "archive"
  region = "eu-central-1"
  default_tags {
    tags = local.archive_tags
  }
}

locals {
  archive_tags = { owner = var.owner, retention = "10y" }
}

variable "owner" {
  type    = string
  default = "data-platform"
}

# No value: the cost-center default tag is unknown, with this reason.
variable "cost_center" {
  type = string
}

resource "aws_kms_key" "data" {
  for_each            = toset(["raw", "curated"])
  enable_key_rotation = true
}

# A whole resource object passed on: each.value has every attribute the
# module reads, key_id included, unknown until apply.
resource "aws_kms_alias" "data" {
  for_each      = aws_kms_key.data
  name          = "alias/${each.key}"
  target_key_id = each.value.key_id
}

module "archive_queue" {
  source    = "./modules/queue"
  providers = { aws = aws.archive }
  name      = "archive"
}

module "work_queue" {
  source = "./modules/queue"
  name   = "work"
}
