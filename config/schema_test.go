package config

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

const schemaPath = "../schema/stackgate.schema.json"

// loadSchema compiles schema/stackgate.schema.json and returns it with its
// raw JSON form.
func loadSchema(t *testing.T) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("stackgate.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("stackgate.schema.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return sch, doc.(map[string]any)
}

// yamlInstance reads a YAML file into JSON-like values the way an editor's
// YAML 1.2 language server sees it: an unquoted date stays a string.
func yamlInstance(t *testing.T, file string) any {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	p := &parser{file: file}
	v, ok := p.value(doc.Content[0], "")
	if !ok {
		t.Fatalf("cannot convert %s: %v", file, p.errs)
	}
	return v
}

func TestSchemaAcceptsValidConfigs(t *testing.T) {
	sch, _ := loadSchema(t)
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	if len(files) == 0 {
		t.Fatal("no valid configs")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			if err := sch.Validate(yamlInstance(t, file)); err != nil {
				t.Errorf("schema rejects %s:\n%v", file, err)
			}
		})
	}
}

// TestSchemaRejects checks that the schema catches, in the editor, the
// structural mistakes it can express (semantic ones, such as an unknown
// default_environment, only Parse can see).
func TestSchemaRejects(t *testing.T) {
	sch, _ := loadSchema(t)
	for _, name := range []string{
		"unknown-env-key.yaml", "unknown-top-key.yaml", "enforcement-int.yaml",
		"paths-string.yaml", "unknown-enum.yaml", "version-missing.yaml",
		"version-2.yaml", "version-string.yaml", "bad-account.yaml",
		"unquoted-account.yaml", "bad-ou.yaml", "tag-int.yaml",
		"waiver-missing-fields.yaml", "waiver-bad-date.yaml", "waiver-month-13.yaml",
		"waiver-empty-reason.yaml", "params-type.yaml", "params-extra.yaml",
		"params-nested.yaml", "params-none.yaml", "params-not-mapping.yaml",
		"enabled-string.yaml", "inline-suppressions-string.yaml", "absolute-glob.yaml",
	} {
		t.Run(name, func(t *testing.T) {
			if err := sch.Validate(yamlInstance(t, filepath.Join("testdata", "invalid", name))); err == nil {
				t.Errorf("schema accepts %s", name)
			}
		})
	}
}

func keysOf(t *testing.T, m map[string]any, path ...string) []string {
	t.Helper()
	cur := m
	for _, k := range path {
		next, ok := cur[k].(map[string]any)
		if !ok {
			t.Fatalf("schema has no object at %s", strings.Join(path, "/"))
		}
		cur = next
	}
	keys := make([]string, 0, len(cur))
	for k := range cur {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// TestSchemaKeysMatchParser keeps the schema and the parser from drifting:
// the properties the schema allows at each level are exactly the keys
// Parse accepts there.
func TestSchemaKeysMatchParser(t *testing.T) {
	_, doc := loadSchema(t)
	tests := []struct {
		level  string
		path   []string
		parser []string
	}{
		{"top level", []string{"properties"}, topLevelKeys},
		{"environment", []string{"$defs", "environment", "properties"}, environmentKeys},
		{"match", []string{"$defs", "environment", "properties", "match", "properties"}, matchKeys},
		{"waiver", []string{"$defs", "waiver", "properties"}, waiverKeys},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(sorted(tt.parser), keysOf(t, doc, tt.path...)); diff != "" {
			t.Errorf("%s keys: parser (-) and schema (+) differ:\n%s", tt.level, diff)
		}
	}
	// Required waiver keys agree with the parser's.
	req, _ := doc["$defs"].(map[string]any)["waiver"].(map[string]any)["required"].([]any)
	var got []string
	for _, r := range req {
		got = append(got, r.(string))
	}
	if diff := cmp.Diff([]string{"expires", "owner", "reason", "resource", "rule"}, sorted(got)); diff != "" {
		t.Errorf("waiver required keys (-parser +schema):\n%s", diff)
	}
}

// TestSchemaRulesMatchCatalogue checks the built-in rules the schema
// describes (for editor completion) against the DESIGN catalogue mirrored
// in testRules: same ids, same parameter names, `enabled` everywhere.
func TestSchemaRulesMatchCatalogue(t *testing.T) {
	_, doc := loadSchema(t)
	rulesPath := []string{"$defs", "environment", "properties", "rules", "properties"}
	var ids []string
	for _, r := range testRules {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff(sorted(ids), keysOf(t, doc, rulesPath...)); diff != "" {
		t.Fatalf("rule ids (-catalogue +schema):\n%s", diff)
	}
	for _, r := range testRules {
		want := []string{enabledKey}
		if r.Parameters != nil {
			for k := range r.Parameters["properties"].(map[string]any) {
				want = append(want, k)
			}
		}
		got := keysOf(t, doc, append(append([]string{}, rulesPath...), r.ID, "properties")...)
		if diff := cmp.Diff(sorted(want), got); diff != "" {
			t.Errorf("%s parameters (-catalogue +schema):\n%s", r.ID, diff)
		}
	}
}
