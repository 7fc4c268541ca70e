variable "create_replica" {
  type    = bool
  default = false
}

module "raw" {
  source        = "./modules/bucket"
  name          = "raw"
  sse_algorithm = "aws:kms"
  kms_key_arn   = aws_kms_key.shared.arn
}

module "archive" {
  source        = "./modules/bucket"
  name          = "archive"
  sse_algorithm = "AES256"
  versioning    = false
}

module "team" {
  source   = "./modules/bucket"
  for_each = toset(["alpha", "beta"])
  name     = "team-${each.key}"
}

resource "aws_kms_key" "shared" {
  enable_key_rotation = true
}

resource "aws_s3_bucket_policy" "raw" {
  bucket = module.raw.bucket_id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = "${module.raw.bucket_arn}/*"
    }]
  })
}

resource "aws_s3_bucket" "replica" {
  count  = var.create_replica ? 1 : 0
  bucket = "replica"
}

resource "aws_instance" "web" {
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = count.index == 0 ? "t3.micro" : "t3.small"
  subnet_id     = cidrsubnet("10.0.0.0/16", 8, count.index)

  metadata_options {
    http_tokens = "required"
  }
}

output "names" {
  value = module.raw.bucket_name
}
