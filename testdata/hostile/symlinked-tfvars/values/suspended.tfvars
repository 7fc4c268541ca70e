status = "Suspended"
