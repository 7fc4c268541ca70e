# One count = 1e9, in each of 49 module instances: one error, with a count.
module "m" {
  source = "./mod"
  count  = 49
}
