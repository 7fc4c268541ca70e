cache_versioning = "Suspended"
stores = {
  media   = "Enabled"
  uploads = "Suspended"
}
