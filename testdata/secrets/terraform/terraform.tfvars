status_tfvars = "CANARY-tfvars-3b7d"
