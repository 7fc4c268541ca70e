variable "vpc_id" {
  type        = string
  description = "VPC the web tier runs in."
}

variable "open_ports" {
  type        = map(number)
  description = "Ports open to the internet, by name."
}

variable "admin_cidr" {
  type        = string
  description = "Network allowed to reach SSH; set per deployment (no default)."
}
