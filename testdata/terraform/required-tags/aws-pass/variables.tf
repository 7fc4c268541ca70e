variable "owner" {
  type        = string
  description = "Team that owns the stack."
}

variable "queues" {
  type        = map(string)
  description = "Queues to create, by name, with their data classification."
}
