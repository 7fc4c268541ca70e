package terraform

import (
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestValidIdentifier compares validIdentifier with HCL's on every string
// of up to three characters from a set that holds each kind of character.
func TestValidIdentifier(t *testing.T) {
	chars := []string{"a", "Z", "_", "0", "9", "-", ".", " ", "é", "\x00", "$"}
	strs := []string{""}
	for n := 0; n < 3; n++ {
		for _, s := range strs {
			for _, c := range chars {
				strs = append(strs, s+c)
			}
		}
	}
	for _, s := range append(strs, "aws_s3_bucket", "this", "node-group_1", "1abc", "a b", "a\n") {
		if got, want := validIdentifier(s), hclsyntax.ValidIdentifier(s); got != want {
			t.Errorf("validIdentifier(%q) = %v, hclsyntax says %v", s, got, want)
		}
	}
}
