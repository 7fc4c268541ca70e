keys = {
  orders   = "Encrypts the orders data"
  payments = "Encrypts the payments data"
}
