package conformance

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/scanner/plan"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/tfmap"
)

var fixture = filepath.Join("..", "..", "testdata", "conformance")

// forms are the columns of names.yaml.
const (
	formCloudFormation = iota
	formAWS
	formAWSCC
)

// loader loads one form of the fixture into model resources.
type loader struct {
	name string
	form int
	load func(t *testing.T) []model.Resource
}

func loadCloudFormation(t *testing.T) []model.Resource {
	file := filepath.Join(fixture, "cloudformation", "template.yaml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := cfn.Load(file, src, cfn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tpl.Resources
}

// loadTerraform evaluates one of the Terraform forms and maps it.
func loadTerraform(dir string) func(t *testing.T) []model.Resource {
	return func(t *testing.T) []model.Resource {
		mod, err := terraform.Load(t.Context(), filepath.Join(fixture, dir), terraform.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rs, notes := tfmap.Map(mod.Resources, model.LayerTerraform)
		for _, n := range notes {
			t.Logf("note: %s", n)
		}
		return rs
	}
}

// loadPlan loads the genuine plan of the aws form, with the configuration's
// source ranges, as `stackgate plan` does.
func loadPlan(t *testing.T) []model.Resource {
	file := filepath.Join(fixture, "plan", "plan.json")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Load(file, src)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Resources {
		if r.Change == nil || r.Change.Action != model.ActionCreate {
			t.Errorf("%s: the fixture plan creates everything, got %+v", r.Address, r.Change)
		}
	}
	rs, _ := tfmap.Map(p.Resources, model.LayerPlan)
	return rs
}

// loaders lists every form.
var loaders = []loader{
	{"cloudformation", formCloudFormation, loadCloudFormation},
	{"terraform-aws", formAWS, loadTerraform("terraform-aws")},
	{"terraform-awscc", formAWSCC, loadTerraform("terraform-awscc")},
	{"plan", formAWS, loadPlan},
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(fixture, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(src, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestSameFindingsInEveryForm(t *testing.T) {
	var names map[string][]string
	readYAML(t, "names.yaml", &names)
	var expected [][2]string
	readYAML(t, "expected.yaml", &expected)
	want := make([]string, len(expected))
	for i, e := range expected {
		want[i] = e[0] + " " + e[1]
	}
	sort.Strings(want)

	engine, err := policies.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range loaders {
		t.Run(l.name, func(t *testing.T) {
			key := map[string]string{}
			for k, cols := range names {
				key[cols[l.form]] = k
			}
			resources := l.load(t)
			findings, err := engine.Evaluate(context.Background(), &model.Document{Resources: resources})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				k, ok := key[f.Resource]
				if !ok {
					k = "unnamed:" + f.Resource
				}
				got = append(got, f.Rule+" "+k)
				if f.Status != model.StatusFail {
					t.Errorf("%s %s: status %s; every value in the fixture is known", f.Rule, f.Resource, f.Status)
				}
				if f.Line == 0 {
					t.Errorf("%s %s has no line", f.Rule, f.Resource)
				}
			}
			sort.Strings(got)
			got = dedupe(got)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(rule, resource) findings differ from expected.yaml (-want +got):\n%s", d)
			}
		})
	}
}

// dedupe drops repeated (rule, resource) pairs: a rule may report several
// paths of one resource (two public CIDRs), which counts once here.
func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
