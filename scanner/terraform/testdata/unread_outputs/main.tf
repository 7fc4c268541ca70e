# Outputs nothing reads: their references are checked, not evaluated
# (checkUnreadOutputs). Each bad reference is reported as evaluating it
# reported it (TestUnreadOutputs).

locals {
  l = "x"
}

resource "aws_s3_bucket" "b" {
  bucket = module.child.name
}

module "child" {
  source = "./child"
}

module "many" {
  source = "./child"
  count  = 2
}

output "bad_var" {
  value = var.nope
}

output "bad_local" {
  value = local.nope
}

output "bad_resource" {
  value = aws_s3_bucket.nope.arn
}

output "bad_data" {
  value = data.aws_iam_policy_document.nope.json
}

output "bad_module" {
  value = module.nope.x
}

output "bad_module_output" {
  value = module.child.nope
}

output "bad_many_output" {
  value = [module.many[0].nope, module.many[1].name]
}

output "whole" {
  value = module.child
}

output "malformed" {
  value = var
}

output "unknown_name" {
  value = nope
}

output "fine" {
  value = upper(local.l)
}

output "fails" {
  value = upper(1, 2)
}
