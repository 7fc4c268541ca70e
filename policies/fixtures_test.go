package policies

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfn"
)

// fixturesDir holds, per rule id, CloudFormation templates that pass and
// that fail the rule. Expected findings are marked in YAML with a trailing
// comment on the line the finding is reported at:
//
//	Status: Suspended # expect: s3-versioning CacheBucket
//
// (add "unknown" for status unknown; separate several findings on one line
// with ";"). JSON templates cannot carry comments: a sidecar <name>.expect
// lists "rule resource line [unknown]" per line instead. params.yaml gives
// the rule's parameters, <name>.context.yaml the deployment context.
const fixturesDir = "../testdata/cfn"

// changeRules cannot fail on a CloudFormation template (it carries no
// pending change, drift or lifecycle): they have only pass fixtures here
// and are tested on plan documents in change_rules_test.go.
var changeRules = map[string]bool{"immutable-no-in-place-update": true, "no-drift": true, "no-drift-suppression": true}

// expectation is what a fixture pins down for each finding.
type expectation struct {
	Rule     string
	Resource string
	// File is the slash-separated path relative to a Terraform case
	// directory; "" for a CloudFormation fixture, a single file.
	File   string
	Line   int
	Status string
}

func (x expectation) String() string {
	if x.File != "" {
		return fmt.Sprintf("%s %s %s:%d (%s)", x.Rule, x.Resource, x.File, x.Line, x.Status)
	}
	return fmt.Sprintf("%s %s line %d (%s)", x.Rule, x.Resource, x.Line, x.Status)
}

func TestCloudFormationFixtures(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	have := subdirs(t, fixturesDir)
	for _, r := range e.Rules() {
		if r.Builtin && !have[r.ID] {
			t.Errorf("rule %s has no fixtures in %s/%s", r.ID, fixturesDir, r.ID)
		}
	}
	for id := range have {
		if _, ok := e.Rule(id); !ok {
			t.Errorf("%s/%s: no rule with id %s", fixturesDir, id, id)
			continue
		}
		dir := filepath.Join(fixturesDir, id)
		params := readParams(t, filepath.Join(dir, "params.yaml"))
		files := fixtureFiles(t, dir)
		var passes, fails int
		for _, file := range files {
			if strings.HasPrefix(filepath.Base(file), "pass") {
				passes++
			} else {
				fails++
			}
		}
		if passes == 0 {
			t.Errorf("%s: no pass fixture", dir)
		}
		if fails == 0 && !changeRules[id] {
			t.Errorf("%s: no fail fixture", dir)
		}
		for _, file := range files {
			t.Run(id+"/"+filepath.Base(file), func(t *testing.T) {
				checkFixture(t, e, id, params, file)
			})
		}
	}
}

func checkFixture(t *testing.T, e *Engine, id string, params map[string]any, file string) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := expectations(t, file, src)
	pass := strings.HasPrefix(filepath.Base(file), "pass")
	if pass && len(want) > 0 {
		t.Fatalf("%s is a pass fixture but expects findings", file)
	}
	if !pass && len(want) == 0 {
		t.Fatalf("%s is a fail fixture but expects no finding", file)
	}
	tmpl, err := cfn.Load(file, src, cfn.Options{})
	if err != nil {
		t.Fatalf("loading: %v", err)
	}
	doc := &model.Document{
		Environment: model.Environment{Name: "fixtures", Rules: map[string]map[string]any{id: params}},
		Context:     readContext(t, strings.TrimSuffix(file, filepath.Ext(file))+".context.yaml"),
		Resources:   tmpl.Resources,
	}
	findings, err := e.Evaluate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("findings:\n%s", describeFindings(findings))
	checkChunked(t, doc, findings)
	var got []expectation
	for _, f := range findings {
		got = append(got, expectation{Rule: f.Rule, Resource: f.Resource, Line: f.Line, Status: f.Status})
		checkFindingText(t, f)
	}
	sortExpectations(got)
	sortExpectations(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: findings differ from the # expect: markers (-want +got):\n%s", file, diff)
	}
}

// checkFindingText: every finding has a message and a fix, and an unknown
// one says what is unknown.
func checkFindingText(t *testing.T, f model.Finding) {
	t.Helper()
	if f.Message == "" || f.Remediation == "" {
		t.Errorf("finding without message or remediation: %+v", f)
	}
	if f.Status == model.StatusUnknown && f.UnknownReason == "" {
		t.Errorf("unknown finding does not say what is unknown: %q", f.Message)
	}
}

func describeFindings(fs []model.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s:%d %s %s %s [%s] %s\n", f.File, f.Line, f.Rule, f.Resource, f.Path, f.Status, f.Message)
	}
	return b.String()
}

// fixtureFiles lists the templates of a rule's fixture folder.
func fixtureFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range entries {
		name := d.Name()
		switch {
		case d.IsDir(), name == "params.yaml", strings.HasSuffix(name, ".context.yaml"), strings.HasSuffix(name, ".expect"):
			continue
		case strings.HasSuffix(name, ".yaml"), strings.HasSuffix(name, ".yml"), strings.HasSuffix(name, ".json"):
			out = append(out, filepath.Join(dir, name))
		default:
			t.Errorf("%s: unexpected file %s", dir, name)
		}
	}
	return out
}

var expectMarker = regexp.MustCompile(`#\s*expect:\s*(.+?)\s*$`)

// expectations reads the expected findings of a fixture: the # expect:
// markers of a YAML file, or the .expect sidecar of a JSON file.
func expectations(t *testing.T, file string, src []byte) []expectation {
	t.Helper()
	if filepath.Ext(file) == ".json" {
		side := strings.TrimSuffix(file, ".json") + ".expect"
		b, err := os.ReadFile(side)
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return parseExpectFile(t, side, b)
	}
	var out []expectation
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		m := expectMarker.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		for _, clause := range strings.Split(m[1], ";") {
			out = append(out, parseClause(t, file, line, strings.Fields(clause), line))
		}
	}
	return out
}

func parseExpectFile(t *testing.T, file string, src []byte) []expectation {
	t.Helper()
	var out []expectation
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) < 3 {
			t.Fatalf("%s:%d: want \"rule resource line [unknown]\", got %q", file, n, text)
		}
		line, err := strconv.Atoi(f[2])
		if err != nil {
			t.Fatalf("%s:%d: line %q is not a number", file, n, f[2])
		}
		out = append(out, parseClause(t, file, n, append(f[:2:2], f[3:]...), line))
	}
	return out
}

// parseClause reads "rule resource [unknown]".
func parseClause(t *testing.T, file string, at int, f []string, line int) expectation {
	t.Helper()
	x := expectation{Line: line, Status: model.StatusFail}
	switch {
	case len(f) == 2:
	case len(f) == 3 && f[2] == model.StatusUnknown:
		x.Status = model.StatusUnknown
	default:
		t.Fatalf("%s:%d: want \"expect: rule resource [unknown]\", got %q", file, at, strings.Join(f, " "))
	}
	x.Rule, x.Resource = f[0], f[1]
	return x
}

func sortExpectations(xs []expectation) {
	sort.Slice(xs, func(i, j int) bool { return xs[i].String() < xs[j].String() })
}

func readParams(t *testing.T, file string) map[string]any {
	t.Helper()
	params := map[string]any{}
	b, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return params
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &params); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return params
}

func readContext(t *testing.T, file string) model.Context {
	t.Helper()
	var c struct {
		Region    string `yaml:"region"`
		AccountID string `yaml:"account_id"`
	}
	b, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return model.Context{}
	}
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return model.Context{Region: c.Region, AccountID: c.AccountID}
}

// subdirs returns the names of the directories directly inside dir: the
// rule ids that have fixtures.
func subdirs(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, d := range entries {
		if d.IsDir() {
			have[d.Name()] = true
		}
	}
	return have
}
