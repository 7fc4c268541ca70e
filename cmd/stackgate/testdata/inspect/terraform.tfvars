db_password = "correct-horse-battery-staple"
api_key     = "k-1234567890"
