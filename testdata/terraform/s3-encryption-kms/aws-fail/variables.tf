variable "environment" {
  type        = string
  description = "Deployment stage, used in bucket names."
}

variable "log_algorithm" {
  type        = string
  description = "Server-side encryption algorithm of the access-log bucket."
  default     = "AES256"
}
