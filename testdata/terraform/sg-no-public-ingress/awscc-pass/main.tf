provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_ec2_security_group" "web" {
  group_description = "Public load balancer"
  vpc_id            = "vpc-0123456789abcdef0"
  security_group_ingress = [
    {
      ip_protocol = "tcp"
      from_port   = 443
      to_port     = 443
      cidr_ip     = "0.0.0.0/0"
    },
    {
      ip_protocol = "tcp"
      from_port   = 22
      to_port     = 22
      cidr_ip     = "10.0.0.0/8"
    },
  ]
}

resource "awscc_ec2_security_group_ingress" "https" {
  group_id    = awscc_ec2_security_group.web.id
  ip_protocol = "tcp"
  from_port   = 443
  to_port     = 443
  cidr_ip     = "0.0.0.0/0"
}
