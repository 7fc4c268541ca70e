variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type = string
}

variable "zones" {
  description = "Lake zones: whether each is KMS-encrypted and versioned."
  type = map(object({
    encrypted  = bool
    versioning = optional(bool, true)
  }))
}

variable "ingress_ports" {
  type    = list(number)
  default = [443]
}
