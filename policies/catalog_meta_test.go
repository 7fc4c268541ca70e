package policies

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// builtinRuleIDs is the catalogue of DESIGN.md: the ids are public
// interface, so losing or renaming one must fail a test.
var builtinRuleIDs = []string{
	"allowed-regions", "allowed-resource-types", "ec2-imdsv2", "immutable-no-in-place-update",
	"kms-key-rotation", "no-drift", "no-drift-suppression", "required-tags",
	"s3-dual-layer-encryption", "s3-encryption-kms", "s3-public-access-block", "s3-versioning",
	"sg-no-public-ingress",
}

// environmentNeutral are the rules on without configuration (DESIGN.md).
var environmentNeutral = map[string]bool{
	"s3-encryption-kms": true, "s3-public-access-block": true, "s3-versioning": true,
	"kms-key-rotation": true, "ec2-imdsv2": true, "sg-no-public-ingress": true,
}

// TestRuleFolders checks every built-in rule folder has the files the docs
// and the fix text are generated from, and that the folder, the id and the
// package agree.
func TestRuleFolders(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := fs.ReadDir(builtin, "rules")
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, d := range dirs {
		if d.IsDir() {
			folders = append(folders, d.Name())
		}
	}
	if strings.Join(folders, " ") != strings.Join(builtinRuleIDs, " ") {
		t.Errorf("rule folders = %v, want the catalogue %v", folders, builtinRuleIDs)
	}
	for _, id := range folders {
		for _, f := range []string{"rule.rego", "rule_test.rego", "examples.yaml"} {
			if _, err := fs.Stat(builtin, path.Join("rules", id, f)); err != nil {
				t.Errorf("rules/%s: missing %s", id, f)
			}
		}
		r, ok := e.Rule(id)
		if !ok {
			t.Errorf("rules/%s: no rule with id %s (custom.id must equal the folder name)", id, id)
			continue
		}
		if want := "data.stackgate.rules." + strings.ReplaceAll(id, "-", "_"); r.Package != want {
			t.Errorf("rule %s: package %s, want %s", id, r.Package, want)
		}
		ex := r.Examples
		for name, snippet := range map[string]string{
			"cloudformation.good": ex.CloudFormationGood, "cloudformation.bad": ex.CloudFormationBad,
			"terraform.good": ex.TerraformGood, "terraform.bad": ex.TerraformBad,
		} {
			if strings.TrimSpace(snippet) == "" {
				t.Errorf("rule %s: examples.yaml has no %s snippet", id, name)
			}
		}
		if r.Remediation.CloudFormation == "" || r.Remediation.Terraform == "" {
			t.Errorf("rule %s: remediation needs both cloudformation and terraform", id)
		}
		if r.Description == "" || r.URL == "" {
			t.Errorf("rule %s: needs a description and a related_resources URL", id)
		}
		if r.DefaultEnabled != environmentNeutral[id] {
			t.Errorf("rule %s: default_enabled = %v, want %v", id, r.DefaultEnabled, environmentNeutral[id])
		}
		if !r.Builtin {
			t.Errorf("rule %s: not marked built-in", id)
		}
	}
}

// paramCall finds the parameter names a rule reads: lib.param(id, "name", ...).
var paramCall = regexp.MustCompile(`lib\.param\((?:id|"[a-z0-9-]+"),\s*"([a-z_]+)"`)

// TestRuleParameterSchemas compiles each rule's parameters as a JSON Schema
// (draft 2020-12), checks each default validates, that unknown keys are
// rejected, and that every parameter the Rego reads is declared.
func TestRuleParameterSchemas(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Rules() {
		src, err := fs.ReadFile(builtin, path.Join("rules", r.ID, "rule.rego"))
		if err != nil {
			t.Fatal(err)
		}
		var read []string
		for _, m := range paramCall.FindAllStringSubmatch(string(src), -1) {
			read = append(read, m[1])
		}
		if r.Parameters == nil {
			if len(read) > 0 {
				t.Errorf("rule %s reads parameters %v but declares no parameters schema", r.ID, read)
			}
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			sch := compileSchema(t, r.ID, r.Parameters)
			if r.Parameters["additionalProperties"] != false {
				t.Errorf("parameters schema must set additionalProperties: false")
			}
			if r.Parameters["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
				t.Errorf("parameters schema must declare draft 2020-12, got %v", r.Parameters["$schema"])
			}
			props, _ := r.Parameters["properties"].(map[string]any)
			for _, name := range read {
				if _, ok := props[name]; !ok {
					t.Errorf("rule reads parameter %q that the schema does not declare", name)
				}
			}
			for name, p := range props {
				p, _ := p.(map[string]any)
				if d, _ := p["description"].(string); d == "" {
					t.Errorf("parameter %s has no description", name)
				}
				if def, ok := p["default"]; ok {
					if err := sch.Validate(jsonValue(t, map[string]any{name: def})); err != nil && !requiredOthers(r.Parameters, name) {
						t.Errorf("default of %s does not validate: %v", name, err)
					}
				}
			}
			if err := sch.Validate(jsonValue(t, map[string]any{"no_such_parameter": true})); err == nil {
				t.Errorf("schema accepts an unknown parameter")
			}
		})
	}
}

func requiredOthers(schema map[string]any, name string) bool {
	req, _ := schema["required"].([]any)
	for _, r := range req {
		if r != name {
			return true
		}
	}
	return false
}

func compileSchema(t *testing.T, id string, schema map[string]any) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	url := "urn:stackgate:rule:" + id
	if err := c.AddResource(url, jsonValue(t, schema)); err != nil {
		t.Fatalf("parameters schema: %v", err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("parameters schema does not compile: %v", err)
	}
	return sch
}

// jsonValue round-trips v through JSON into the value form the validator
// expects (json.Number numbers).
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFixtureParamsValidate checks the parameters the fixtures run with
// against each rule's schema, so the fixtures only use configurations
// stackgate.yaml would accept.
func TestFixtureParamsValidate(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../testdata/cfn/*/params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixture params.yaml found")
	}
	for _, file := range files {
		id := filepath.Base(filepath.Dir(file))
		r, ok := e.Rule(id)
		if !ok || r.Parameters == nil {
			t.Errorf("%s: rule %s takes no parameters", file, id)
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var params map[string]any
		if err := yaml.Unmarshal(b, &params); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := compileSchema(t, id, r.Parameters).Validate(jsonValue(t, params)); err != nil {
			t.Errorf("%s does not validate against the rule's parameters schema: %v", file, err)
		}
	}
}
