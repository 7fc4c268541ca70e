variable "cache_versioning" {
  type        = string
  description = "Versioning status of the build cache bucket."
}

variable "stores" {
  type        = map(string)
  description = "Object stores by name, with their versioning status."
}
