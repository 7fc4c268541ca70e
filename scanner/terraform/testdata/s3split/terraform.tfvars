environment = "prod"
prefix      = "acme-lake"
zones = {
  raw     = { tier = "bronze" }
  curated = { tier = "gold", versioned = false }
}
