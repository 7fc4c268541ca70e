# terraform.tfvars is made, by the test, a symbolic link to
# values/suspended.tfvars: Terraform reads it, so versioning is Suspended.
variable "status" {
  type    = string
  default = "Enabled"
}

resource "aws_s3_bucket" "b" {
  bucket = "linked-vars"
}

resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = var.status
  }
}
