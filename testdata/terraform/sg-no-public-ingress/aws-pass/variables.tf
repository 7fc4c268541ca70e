variable "vpc_id" {
  type        = string
  description = "VPC the web tier runs in."
}

variable "public_ports" {
  type        = map(number)
  description = "Ports the load balancer serves to the internet, by name."
}

variable "admin_cidr" {
  type        = string
  description = "Office network allowed to reach SSH."
}
