owner = "analytics"
queues = {
  exports = "internal"
  imports = "confidential"
}
