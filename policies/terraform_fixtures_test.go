package policies

import (
	"bufio"
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/tfmap"
)

// tfFixturesDir holds, per rule id, Terraform root modules that pass and
// that fail the rule: <rule>/<case>/, where case is aws-pass, aws-fail and,
// where the awscc provider has the resource type, awscc-pass and
// awscc-fail. Expected findings are marked in any .tf file of the case
// (local modules below it included) with a trailing comment on the line
// the finding is reported at:
//
//	sse_algorithm = "AES256" # expect: s3-encryption-kms aws_s3_bucket.logs
//
// (add "unknown" for status unknown; separate several findings on one line
// with ";"). <case>/params.yaml gives the rule's parameters and
// <case>/context.yaml the deployment context, as for the CloudFormation
// fixtures.
const tfFixturesDir = "../testdata/terraform"

// planRules need a plan (a pending change or drift) to fail at all, so
// they have no Terraform configuration fixtures.
var planRules = map[string]bool{"immutable-no-in-place-update": true, "no-drift": true}

// requiredTFCases must exist for every rule not in planRules.
var requiredTFCases = []string{"aws-pass", "aws-fail"}

func TestTerraformFixtures(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	have := subdirs(t, tfFixturesDir)
	for _, r := range e.Rules() {
		if !r.Builtin || planRules[r.ID] {
			continue
		}
		for _, c := range requiredTFCases {
			if _, err := os.Stat(filepath.Join(tfFixturesDir, r.ID, c)); err != nil {
				t.Errorf("rule %s has no Terraform fixture %s/%s/%s", r.ID, tfFixturesDir, r.ID, c)
			}
		}
	}
	ids := make([]string, 0, len(have))
	for id := range have {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, ok := e.Rule(id); !ok {
			t.Errorf("%s/%s: no rule with id %s", tfFixturesDir, id, id)
			continue
		}
		cases, err := os.ReadDir(filepath.Join(tfFixturesDir, id))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if !c.IsDir() {
				t.Errorf("%s/%s: unexpected file %s (cases are directories)", tfFixturesDir, id, c.Name())
				continue
			}
			if !strings.HasSuffix(c.Name(), "-pass") && !strings.HasSuffix(c.Name(), "-fail") {
				t.Errorf("%s/%s/%s: a case name ends in -pass or -fail", tfFixturesDir, id, c.Name())
				continue
			}
			dir := filepath.Join(tfFixturesDir, id, c.Name())
			t.Run(id+"/"+c.Name(), func(t *testing.T) {
				checkTerraformFixture(t, e, id, dir)
			})
		}
	}
}

func checkTerraformFixture(t *testing.T, e *Engine, id, dir string) {
	want := tfExpectations(t, dir)
	pass := strings.HasSuffix(dir, "-pass")
	if pass && len(want) > 0 {
		t.Fatalf("%s is a pass case but expects findings", dir)
	}
	if !pass && len(want) == 0 {
		t.Fatalf("%s is a fail case but expects no finding", dir)
	}
	mod, err := terraform.Load(t.Context(), dir, terraform.Options{})
	if err != nil {
		t.Fatalf("loading: %v", err)
	}
	for _, n := range mod.Notes {
		t.Errorf("load note: %s", n)
	}
	rs, notes := tfmap.Map(mod.Resources, model.LayerTerraform)
	for _, n := range notes {
		t.Errorf("mapping note: %s", n)
	}
	doc := &model.Document{
		Environment: model.Environment{Name: "fixtures", Rules: map[string]map[string]any{id: readParams(t, filepath.Join(dir, "params.yaml"))}},
		Context:     readContext(t, filepath.Join(dir, "context.yaml")),
		Resources:   rs,
	}
	findings, err := e.Evaluate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("findings:\n%s", describeFindings(findings))
	checkChunked(t, doc, findings)
	var got []expectation
	for _, f := range findings {
		got = append(got, expectation{f.Rule, f.Resource, relativeTo(dir, f.File), f.Line, f.Status})
		checkFindingText(t, f)
	}
	sortExpectations(got)
	sortExpectations(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: findings differ from the # expect: markers (-want +got):\n%s", dir, diff)
	}
}

// relativeTo returns file relative to the case directory dir, slash
// separated, as the markers name it; a file outside dir is returned as it
// is (and shows up in the diff).
func relativeTo(dir, file string) string {
	rel, err := filepath.Rel(dir, file)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(file)
	}
	return filepath.ToSlash(rel)
}

// tfExpectations reads the # expect: markers of every .tf file in dir and
// below it.
func tfExpectations(t *testing.T, dir string) []expectation {
	t.Helper()
	var out []expectation
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tf") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		sc := bufio.NewScanner(bytes.NewReader(src))
		for line := 1; sc.Scan(); line++ {
			m := expectMarker.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			for _, clause := range strings.Split(m[1], ";") {
				x := parseClause(t, path, line, strings.Fields(clause), line)
				x.File = rel
				out = append(out, x)
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
