package policies

import (
	"context"
	"testing"
)

// TestRegoUnitTests runs every _test.rego of the built-in rule set with
// OPA's own test runner, so `go test` covers the Rego tests too.
func TestRegoUnitTests(t *testing.T) {
	e, err := New(WithTests())
	if err != nil {
		t.Fatal(err)
	}
	ch, err := e.Test(context.Background())
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
