package terraform

import (
	"slices"
	"testing"
)

// TestSensitiveModuleOutput: an output declared sensitive is sensitive in
// the module that uses it, through functions too, as in Terraform.
func TestSensitiveModuleOutput(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `
module "m" { source = "./m" }
resource "aws_s3_bucket_versioning" "v" {
  bucket = "b"
  versioning_configuration { status = upper(module.m.secret) }
}
resource "aws_s3_bucket_versioning" "plain" {
  bucket = "b"
  versioning_configuration { status = module.m.plain }
}
`)
	write(t, dir, "m/main.tf", `
output "secret" {
  value     = "s3cr3t"
  sensitive = true
}
output "plain" { value = "Enabled" }
`)
	m := load(t, dir, Options{})
	if got := find(t, m, "aws_s3_bucket_versioning.v").Sensitive; !slices.Contains(got, "versioning_configuration[0].status") {
		t.Errorf("sensitive output through upper(): Sensitive = %q", got)
	}
	if got := find(t, m, "aws_s3_bucket_versioning.plain").Sensitive; len(got) != 0 {
		t.Errorf("plain output: Sensitive = %q", got)
	}
}
