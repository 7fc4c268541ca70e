provider "aws" {
  region = "eu-west-1"
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "Web servers"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.open_ports
    content {
      description = ingress.key
      protocol    = "tcp"
      from_port   = ingress.value
      to_port     = ingress.value
      cidr_blocks = ["0.0.0.0/0"] # expect: sg-no-public-ingress aws_security_group.web
    }
  }

  tags = {
    tier = "web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "rdp" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 3389
  to_port           = 3389
  cidr_ipv6         = "::/0" # expect: sg-no-public-ingress aws_vpc_security_group_ingress_rule.rdp
}

# A standalone rule is a resource of its own, as in CloudFormation: the
# finding names it, not the group it belongs to.
resource "aws_vpc_security_group_ingress_rule" "ssh_v6" {
  security_group_id = aws_security_group.web.id
  description       = "SSH over IPv6"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv6         = "::/0" # expect: sg-no-public-ingress aws_vpc_security_group_ingress_rule.ssh_v6
}

# Egress to anywhere is not ingress.
resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "db" {
  name        = "db"
  description = "Postgres"
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "postgres" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  protocol          = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_blocks       = ["0.0.0.0/0"] # expect: sg-no-public-ingress aws_security_group_rule.postgres
}

# Several CIDR blocks in one rule: the finding points at the open one.
resource "aws_security_group_rule" "redis" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  protocol          = "tcp"
  from_port         = 6379
  to_port           = 6379
  cidr_blocks = [
    "10.0.0.0/8",
    "0.0.0.0/0", # expect: sg-no-public-ingress aws_security_group_rule.redis
  ]
}

resource "aws_security_group_rule" "db_out" {
  type              = "egress"
  security_group_id = aws_security_group.db.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
  ipv6_cidr_blocks  = ["::/0"]
}

resource "aws_vpc_security_group_ingress_rule" "admin_ssh" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidr # expect: sg-no-public-ingress aws_vpc_security_group_ingress_rule.admin_ssh unknown
}
