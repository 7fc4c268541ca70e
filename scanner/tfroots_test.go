package scanner

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTerraformRoots uses the layout of a terraform-aws-modules repository:
// the module at the top, submodules under modules/, examples calling the
// module with concrete inputs. Only the examples and a standalone stack are
// roots; the module and submodules are evaluated through their callers.
func TestTerraformRoots(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"main.tf":                      "module \"notification\" {\n  source = \"./modules/notification\"\n}\nresource \"aws_s3_bucket\" \"this\" {}\n",
		"modules/notification/main.tf": "resource \"aws_sns_topic\" \"t\" {}\n",
		"examples/complete/main.tf":    "module \"s3\" {\n  source = \"../../\"\n}\n",
		"examples/registry/main.tf":    "module \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"~> 5.0\"\n}\n",
		"stacks/logs/main.tf.json":     `{"resource": {"aws_s3_bucket": {"logs": {}}}}`,
		"stacks/logs/template.yaml":    "Resources: {}\n",
		"broken/main.tf":               "resource \"aws_s3_bucket\" {\n",
	}
	writeTree(t, root, files)
	got, err := Discover([]string{root}, DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, c := range got {
		r, _ := filepath.Rel(root, c.Path)
		rows = append(rows, string(c.Kind)+" "+filepath.ToSlash(r))
	}
	want := []string{
		"terraform broken",
		"terraform examples/complete",
		"terraform examples/registry",
		"terraform stacks/logs",
		" stacks/logs/template.yaml",
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("candidates (-want +got):\n%s", d)
	}
}
