variable "name" {
  type        = string
  description = "Queue name."
}

variable "owner" {
  type        = string
  description = "Team that owns the queue."
}

variable "classification" {
  type        = string
  description = "Data classification of the messages."
}

resource "aws_sqs_queue" "this" {
  name = var.name
  tags = {
    owner               = var.owner
    data-classification = var.classification # expect: required-tags module.queue["imports"].aws_sqs_queue.this
  }
}
