package scanner

// loadTerraform loads a Terraform root module. Until the Terraform
// evaluator is wired in, a root module is reported as not checked (a note),
// never as compliant.
func loadTerraform(c Candidate, _ LoadOptions) Loaded {
	return Loaded{File: c.Path, Kind: KindTerraform, Skipped: true,
		Notes: []string{c.Path + ": Terraform root module not checked: Terraform support is not in this build yet"}}
}
