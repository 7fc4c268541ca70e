package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies"
)

// TestConfigSchemaMatchesCatalogue keeps schema/stackgate.schema.json (what
// editors validate stackgate.yaml with) in step with the rule metadata: the
// same built-in rule ids, and for each rule the same parameter names.
func TestConfigSchemaMatchesCatalogue(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "schema", "stackgate.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Defs struct {
			Environment struct {
				Properties struct {
					Rules struct {
						Properties map[string]struct {
							Properties map[string]json.RawMessage `json:"properties"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"properties"`
			} `json:"environment"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(src, &schema); err != nil {
		t.Fatal(err)
	}
	inSchema := schema.Defs.Environment.Properties.Rules.Properties
	e, err := policies.New()
	if err != nil {
		t.Fatal(err)
	}
	var ids, schemaIDs []string
	for id := range inSchema {
		schemaIDs = append(schemaIDs, id)
	}
	for _, r := range e.Rules() {
		ids = append(ids, r.ID)
		s, ok := inSchema[r.ID]
		if !ok {
			continue
		}
		want := []string{"enabled"}
		if props, ok := r.Parameters["properties"].(map[string]any); ok {
			for name := range props {
				want = append(want, name)
			}
		}
		var got []string
		for name := range s.Properties {
			got = append(got, name)
		}
		sort.Strings(want)
		sort.Strings(got)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("rule %s: parameters in the schema differ from the rule metadata (-rule +schema):\n%s", r.ID, d)
		}
	}
	sort.Strings(ids)
	sort.Strings(schemaIDs)
	if d := cmp.Diff(ids, schemaIDs); d != "" {
		t.Errorf("rule ids in schema/stackgate.schema.json differ from the built-in catalogue (-catalogue +schema):\n%s", d)
	}
}
