vpc_id     = "vpc-0123456789abcdef0"
admin_cidr = "203.0.113.0/24"
public_ports = {
  http  = 80
  https = 443
}
