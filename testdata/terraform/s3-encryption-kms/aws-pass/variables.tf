variable "environment" {
  type        = string
  description = "Deployment stage, used in bucket names."
}

variable "buckets" {
  type        = map(object({ purpose = string }))
  description = "Data buckets to create, by short name."
}
