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
    http_endpoint = "enabled"
    http_tokens   = "optional" # expect: ec2-imdsv2 aws_launch_template.web
  }
}

resource "aws_instance" "bastion" {
  ami           = var.ami_id
  instance_type = "t3.micro"

  metadata_options {
    http_tokens = "optional" # expect: ec2-imdsv2 aws_instance.bastion
  }
}

resource "aws_instance" "legacy" { # expect: ec2-imdsv2 aws_instance.legacy
  ami           = var.ami_id
  instance_type = "t3.micro"
}
