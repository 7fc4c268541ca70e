package policies

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/tester"
)

// TestRegoUnitTests runs every _test.rego of the built-in rule set with
// OPA's own test runner, so `go test` covers the Rego tests too.
func TestRegoUnitTests(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ch, err := tester.NewRunner().SetCompiler(nil).Run(context.Background(), e.Modules())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for res := range ch {
		n++
		name := res.Package + "." + res.Name
		switch {
		case res.Error != nil:
			t.Errorf("%s: %v", name, res.Error)
		case res.Fail:
			t.Errorf("%s: failed (%s:%d)", name, res.Location.File, res.Location.Row)
		case res.Skip:
			t.Errorf("%s: skipped; every Rego test must run", name)
		}
	}
	if n == 0 {
		t.Fatal("no Rego tests ran")
	}
}
