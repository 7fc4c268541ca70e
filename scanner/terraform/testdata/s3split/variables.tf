variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type = string
}

variable "prefix" {
  type = string
}

variable "zones" {
  type = map(object({
    tier      = string
    versioned = optional(bool, true)
  }))
}

variable "sse_algorithm" {
  type        = string
  description = "set per environment"
}

variable "restrict" {
  type    = bool
  default = true
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
