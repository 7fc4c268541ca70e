resource "aws_s3_bucket" "linked" {
  bucket = "through-a-link"
}
