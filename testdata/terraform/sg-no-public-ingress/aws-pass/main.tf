provider "aws" {
  region = "eu-west-1"
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "Public load balancer"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.public_ports
    content {
      description = ingress.key
      protocol    = "tcp"
      from_port   = ingress.value
      to_port     = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    tier = "web"
  }
}

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH from the office only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.bastion.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidr
}

# Named rules the way terraform-aws-modules/security-group writes them: a
# map(list(any)) makes the ports strings ("443"), which the provider turns
# back into numbers; so must the check.
variable "rules" {
  type = map(list(any))
  default = {
    https-443-tcp = [443, 443, "tcp", "HTTPS"]
    ssh-tcp       = [22, 22, "tcp", "SSH"]
  }
}

resource "aws_security_group_rule" "named" {
  count             = 1
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  cidr_blocks       = ["0.0.0.0/0"]
  description       = var.rules["https-443-tcp"][3]
  from_port         = var.rules["https-443-tcp"][0]
  to_port           = var.rules["https-443-tcp"][1]
  protocol          = var.rules["https-443-tcp"][2]
}

# Several private networks in one rule (a list in the model) pass.
resource "aws_security_group_rule" "office" {
  type              = "ingress"
  security_group_id = aws_security_group.bastion.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["203.0.113.0/24", "198.51.100.0/24"]
  ipv6_cidr_blocks  = ["2001:db8::/32"]
}
