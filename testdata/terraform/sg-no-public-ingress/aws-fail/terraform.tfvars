vpc_id = "vpc-0123456789abcdef0"
open_ports = {
  https = 443
  ssh   = 22
}
