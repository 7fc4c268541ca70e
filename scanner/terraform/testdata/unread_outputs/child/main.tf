variable "v" {
  default = "x"
}

output "name" {
  value = "n-${var.v}"
}

output "bad" {
  value = var.missing
}
