variable "allow_public_policy" {
  type        = bool
  description = "Whether the public assets bucket may carry a public bucket policy."
}
