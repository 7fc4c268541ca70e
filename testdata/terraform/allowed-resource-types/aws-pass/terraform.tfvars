datasets = ["orders", "payments"]
