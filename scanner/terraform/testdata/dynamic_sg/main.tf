variable "ingress_rules" {
  type = list(object({
    port        = number
    cidr_blocks = list(string)
    description = optional(string, "managed")
  }))
  default = [
    { port = 443, cidr_blocks = ["0.0.0.0/0"] },
    { port = 22, cidr_blocks = ["10.0.0.0/8"], description = "ssh from vpn" },
  ]
}

variable "extra_cidrs" {
  type = list(string)
}

locals {
  egress = {
    all = { from = 0, to = 0, protocol = "-1" }
  }
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = "vpc-123"

  dynamic "ingress" {
    for_each = var.ingress_rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidr_blocks
      description = ingress.value.description
    }
  }

  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.1.0.0/16"]
  }

  dynamic "egress" {
    for_each = local.egress
    iterator = rule
    content {
      from_port   = rule.value.from
      to_port     = rule.value.to
      protocol    = rule.value.protocol
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_security_group" "unknown" {
  name = "unknown"

  dynamic "ingress" {
    for_each = var.extra_cidrs
    content {
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }
}

resource "aws_launch_template" "nested" {
  name = "nested"

  dynamic "block_device_mappings" {
    for_each = { "/dev/sda1" = [20], "/dev/sdb" = [100, 200] }
    content {
      device_name = block_device_mappings.key
      dynamic "ebs" {
        for_each = block_device_mappings.value
        content {
          volume_size = ebs.value
          encrypted   = true
        }
      }
    }
  }
}
