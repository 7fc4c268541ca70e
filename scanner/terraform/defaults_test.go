package terraform

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDefaultsPerInstance checks that a variable default found once per
// load (computeVariable) still counts against the budget in every
// instance when evaluating it does: three instances of a default that
// iterates over 400000 times go over the limit of 1000000 iterations, as
// three evaluations do.
func TestDefaultsPerInstance(t *testing.T) {
	// functions are not allowed in defaults: a literal list of 74
	// numbers, iterated over at three levels (74^3 > 400000; the innermost
	// for keeps no element, which is quicker to evaluate)
	nums := make([]string, 74)
	for i := range nums {
		nums[i] = strconv.Itoa(i)
	}
	list74 := "[" + strings.Join(nums, ", ") + "]"
	dir := t.TempDir()
	files := map[string]string{
		"main.tf": `module "m" {
  source   = "./mod"
  for_each = toset(["a", "b", "c"])
}
`,
		"mod/main.tf": `variable "big" {
  default = [for a in ` + list74 + ` : [for b in ` + list74 + ` : [for c in ` + list74 + ` : c if false]]]
}
variable "tags" {
  type    = map(string)
  default = { team = "x" }
}
resource "aws_s3_bucket" "b" {
  bucket = "b-${length(var.big)}"
  tags   = var.tags
}
`,
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Load(t.Context(), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "iterate more than 1000000 times") {
		t.Fatalf("Load error = %v, want the iteration limit", err)
	}
}
