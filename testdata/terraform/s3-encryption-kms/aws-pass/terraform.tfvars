environment = "prod"
buckets = {
  orders   = { purpose = "order history" }
  invoices = { purpose = "rendered invoices" }
}
