environment   = "dev"
ingress_ports = [443, 8080]
zones = {
  raw     = { encrypted = true }
  curated = { encrypted = true, versioning = false }
  sandbox = { encrypted = false }
}
