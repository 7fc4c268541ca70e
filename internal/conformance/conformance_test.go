package conformance

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/workspace"
)

var fixture = filepath.Join("..", "..", "testdata", "conformance")

// forms are the columns of names.yaml.
const (
	formCloudFormation = iota
	formAWS
	formAWSCC
)

// checker checks one form of the fixture through the front door, as the
// CLI does, and returns every decided finding.
type checker struct {
	name  string
	form  int
	check func(t *testing.T, ws *workspace.Workspace) []model.Finding
}

func run(t *testing.T, ws *workspace.Workspace, units []scanner.Loaded, c model.Context) []model.Finding {
	t.Helper()
	res, err := ws.Check(context.Background(), units, workspace.CheckOptions{Layer: model.RuleLayerCI, Context: c})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	for _, n := range res.Notes {
		t.Logf("note: %s", n)
	}
	return res.Findings
}

// checkCloudFormation checks each template in the region deploy.yaml says
// its stack is deployed to (a stack's region is chosen at deployment).
func checkCloudFormation(t *testing.T, ws *workspace.Workspace) []model.Finding {
	var regions map[string]string
	readYAML(t, filepath.Join("cloudformation", "deploy.yaml"), &regions)
	var all []model.Finding
	for _, name := range slices.Sorted(maps.Keys(regions)) {
		file := filepath.Join(fixture, "cloudformation", name)
		units, err := ws.LoadPaths(context.Background(), []string{file}, workspace.LoadOptions{CloudFormation: cfn.Options{Region: regions[name]}})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, run(t, ws, units, model.Context{Region: regions[name]})...)
	}
	return all
}

// checkTerraform evaluates one of the Terraform forms as `stackgate scan`.
func checkTerraform(dir string) func(t *testing.T, ws *workspace.Workspace) []model.Finding {
	return func(t *testing.T, ws *workspace.Workspace) []model.Finding {
		units, err := ws.LoadPaths(context.Background(), []string{filepath.Join(fixture, dir)}, workspace.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return run(t, ws, units, model.Context{})
	}
}

// checkPlan checks the genuine plan of the aws form with its configuration,
// as `stackgate plan --dir terraform-aws` does.
func checkPlan(t *testing.T, ws *workspace.Workspace) []model.Finding {
	file := filepath.Join(fixture, "plan", "plan.json")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	unit, err := ws.LoadPlan(context.Background(), file, src, workspace.PlanOptions{Dir: filepath.Join(fixture, "terraform-aws")})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range unit.Resources {
		if r.Change == nil || r.Change.Action != model.ActionCreate {
			t.Errorf("%s: the fixture plan creates everything, got %+v", r.Address, r.Change)
		}
	}
	return run(t, ws, []scanner.Loaded{unit}, model.Context{})
}

// checkers lists every form.
var checkers = []checker{
	{"cloudformation", formCloudFormation, checkCloudFormation},
	{"terraform-aws", formAWS, checkTerraform("terraform-aws")},
	{"terraform-awscc", formAWSCC, checkTerraform("terraform-awscc")},
	{"plan", formAWS, checkPlan},
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

// status is a finding's status, or "waived" when a suppression covers it.
func status(f model.Finding) string {
	if f.Waived != nil {
		return "waived"
	}
	return f.Status
}

func TestSameVerdictInEveryForm(t *testing.T) {
	var names map[string][]string
	readYAML(t, "names.yaml", &names)
	var expected [][3]string
	readYAML(t, "expected.yaml", &expected)
	want := make([]string, len(expected))
	for i, e := range expected {
		want[i] = e[0] + " " + e[1] + " " + e[2]
	}
	slices.Sort(want)

	ws, err := workspace.Open(workspace.Options{ConfigFile: filepath.Join(fixture, "stackgate.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checkers {
		t.Run(c.name, func(t *testing.T) {
			key := map[string]string{}
			for k, cols := range names {
				key[cols[c.form]] = k
			}
			var got []string
			for _, f := range c.check(t, ws) {
				k, ok := key[f.Resource]
				if !ok {
					k = "unnamed:" + f.Resource
				}
				got = append(got, f.Rule+" "+k+" "+status(f))
				if f.Line == 0 {
					t.Errorf("%s %s has no line", f.Rule, f.Resource)
				}
				if f.Status == model.StatusUnknown && f.UnknownReason == "" {
					t.Errorf("%s %s: unknown without a reason: %s", f.Rule, f.Resource, f.Message)
				}
			}
			slices.Sort(got)
			got = slices.Compact(got)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(rule, resource, status) findings differ from expected.yaml (-want +got):\n%s", d)
			}
		})
	}
}
