package terraform

import (
	"maps"
	"slices"
	"testing"
)

// TestScanModule: the name after var or local is an attribute name only
// when an iterator of the module may be called var or local.
func TestScanModule(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		shadowed  bool
		attrs     []string
	}{
		{"plain", `
locals {
  a = var.region
  b = aws_s3_bucket.x.bucket_domain_name
  c = [for s in var.subnets : s.cidr]
}`, false, []string{"arn", "bucket_domain_name", "cidr", "id", "x"}},
		{"for iterator named var", `
locals {
  a = [for var in var.rules : var.port]
}`, true, []string{"arn", "id", "port", "rules"}},
		{"dynamic block iterator named local", `
resource "aws_security_group" "x" {
  dynamic "ingress" {
    for_each = local.rules
    iterator = local
    content {
      from_port = local.value.port
    }
  }
}`, true, []string{"arn", "id", "port", "rules", "value"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pf, errs := parseUncached("main.tf", []byte(tc.src))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			// as parsed (names noted in the walk after parsing), and as
			// rebuilt by applyOverrides (names found by walking here)
			rebuilt := &parsedFile{name: pf.name, file: pf.file}
			for _, f := range []*parsedFile{pf, rebuilt} {
				shadowed, attrs := scanModule([]*parsedFile{f})
				if shadowed != tc.shadowed {
					t.Errorf("shadowed = %v, want %v (names noted: %v)", shadowed, tc.shadowed, f.names != nil)
				}
				if got := slices.Sorted(maps.Keys(attrs)); !slices.Equal(got, tc.attrs) {
					t.Errorf("attrs = %v, want %v (names noted: %v)", got, tc.attrs, f.names != nil)
				}
			}
		})
	}
}
