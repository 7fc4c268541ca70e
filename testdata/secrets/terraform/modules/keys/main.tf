output "algorithm" {
  value     = "CANARY-module-5e21"
  sensitive = true
}
