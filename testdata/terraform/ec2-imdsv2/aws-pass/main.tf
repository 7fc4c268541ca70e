provider "aws" {
  region = "eu-west-1"
}

variable "ami_id" {
  type        = string
  description = "Image the web tier boots from."
  default     = "ami-0abcdef1234567890"
}

resource "aws_launch_template" "web" {
  name_prefix   = "web-"
  image_id      = var.ami_id
  instance_type = "t3.small"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }

  tags = {
    tier = "web"
  }
}

resource "aws_instance" "bastion" {
  ami           = var.ami_id
  instance_type = "t3.micro"

  metadata_options {
    http_tokens = "required"
  }
}
