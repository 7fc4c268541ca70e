owner = "analytics"
queues = {
  exports = "internal"
  imports = "secret"
}
