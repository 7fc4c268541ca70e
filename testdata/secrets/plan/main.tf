variable "owner_token" {
  type      = string
  sensitive = true
  default   = "CANARY-plan-token-2f6a"
}

variable "versioning" {
  type      = string
  sensitive = true
  default   = "Suspended"
}

resource "aws_s3_bucket" "data" {
  bucket = "canary-plan"
  tags = {
    owner-token = var.owner_token
  }
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = var.versioning
  }
}
