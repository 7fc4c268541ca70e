artifact_sets = {
  builds   = "platform"
  releases = "release-eng"
}
