package cfn

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
)

// TestDeployTimeConstructs loads the templates of testdata/constructs:
// what a transform, macro or packager settles at deploy time is an unknown
// value with a note, and only what CloudFormation itself would reject is an
// error, at its line.
func TestDeployTimeConstructs(t *testing.T) {
	type unknown struct{ addr, path, reason string }
	tests := []struct {
		file string
		// err, when set, is how the error starts: "file:line:col: text".
		err       string
		unknowns  []unknown // each must be in the resource's UnknownPaths (reason: substring)
		resources []string  // the addresses loaded, in order (nil: not checked)
		notes     []string  // substrings, each of some note
		notIn     string    // text that no note and no reason may contain
	}{
		{
			file: "get-stack-output.yaml",
			unknowns: []unknown{
				{"Topic", "DisplayName", "Fn::GetStackOutput reads output TopicName of stack producer-stack at deploy time"},
				{"Topic", "TopicName", "output Suffix of stack producer-stack"},
				{"Hidden", "DisplayName", "output TopicName of stack (known only at deploy time)"},
			},
			resources: []string{"Topic", "Hidden"},
			notIn:     "s3cr3t",
		},
		{
			file: "transform-property.yaml",
			unknowns: []unknown{
				{"Config", "UserData", "Fn::Transform (macro DynamicUserData) is expanded at deploy time"},
				{"Included", "", "Fn::Transform (macro AWS::Include)"},
			},
			resources: []string{"Config", "Included"},
			notes:     []string{"transform-property.yaml:11: Fn::Transform (macro DynamicUserData)", "transform-property.yaml:16: Fn::Transform (macro AWS::Include)"},
		},
		{
			file:      "foreach-conditions.json",
			resources: []string{"BucketB", "BucketX"},
			notes:     []string{"Fn::ForEach::Unknown: its collection is not known", "resource BucketX is checked as if it is deployed: condition HasLogs cannot be decided"},
		},
		{
			file: "sam-implicit.yaml",
			unknowns: []unknown{
				{"Policy", "Roles[0]", "MyFunctionRole is not declared in the template; the AWS::Serverless-2016-10-31 transform generates it from MyFunction (AWS::Serverless::Function)"},
				{"Mapping", "RestApiId", "implicit API"},
				{"Mapping", "Stage", "implicit API"},
				{"Alarm", "Dimensions[0].Value", "generates it from MyFunction"},
			},
			notes: []string{"sam-implicit.yaml:28: Ref refers to MyFunctionRole, which the template does not declare"},
		},
		{
			file: "rain.yaml",
			unknowns: []unknown{
				{"Function", "Role", "rain"},
				{"Function", "Code.ZipFile", "!Rain::Embed is a rain directive"},
			},
			resources: []string{"Function", "Bucket"},
			notes: []string{
				"rain.yaml:4: resource Network is !Rain::Module, a rain directive",
				"rain.yaml:12: !Rain::Embed is a rain directive, replaced by `rain pkg`: this value is unknown here; scan the `rain pkg` output to settle it",
			},
		},
		{
			file: "properties-if.yaml",
			unknowns: []unknown{
				{"Switched", "", "condition IsProd cannot be decided"},
				{"Included", "", "Fn::Transform (macro AWS::Include)"},
			},
		},
		{file: "trailing-comma.json", err: "trailing-comma.json:4:42: invalid JSON: trailing comma before }"},
		{file: "ref-to-nothing.yaml", err: "ref-to-nothing.yaml:9:33: Ref to NetworkInterface, which is not a parameter or resource of this template"},
		{file: "unknown-section.yaml", err: "unknown-section.yaml:2:1: Parameter is not a template section (did you mean Parameters?)"},
		{file: "utf16.yaml", err: "utf16.yaml: the file is UTF-16 (it starts with a UTF-16 byte order mark); CloudFormation reads UTF-8: save it as UTF-8 to have it checked"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "constructs", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := Load(tc.file, src, Options{})
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			byAddr := map[string]model.Resource{}
			var addrs []string
			for _, r := range tpl.Resources {
				byAddr[r.Address] = r
				addrs = append(addrs, r.Address)
			}
			if tc.resources != nil && strings.Join(addrs, ",") != strings.Join(tc.resources, ",") {
				t.Errorf("resources = %v, want %v", addrs, tc.resources)
			}
			for _, u := range tc.unknowns {
				r, ok := byAddr[u.addr]
				if !ok {
					t.Errorf("no resource %s", u.addr)
					continue
				}
				found := false
				for _, got := range r.UnknownPaths {
					if got.Path == u.path && strings.Contains(got.Reason, u.reason) {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: no unknown %q with reason containing %q; have %+v", u.addr, u.path, u.reason, r.UnknownPaths)
				}
			}
			all := strings.Join(tpl.Notes, "\n")
			for _, n := range tc.notes {
				if !strings.Contains(all, n) {
					t.Errorf("no note containing %q; notes:\n%s", n, all)
				}
			}
			if tc.notIn != "" {
				for _, r := range tpl.Resources {
					for _, u := range r.UnknownPaths {
						all += "\n" + u.Reason
					}
				}
				if strings.Contains(all, tc.notIn) {
					t.Errorf("%q appears in a note or reason:\n%s", tc.notIn, all)
				}
			}
		})
	}
}

// TestUnknownPropertiesOnlyUnknownFindings evaluates the built-in rules on
// buckets whose whole Properties are unknown (Fn::If on an undecided
// condition, Fn::Transform AWS::Include): each rule that reads properties
// reports unknown, and none fails.
func TestUnknownPropertiesOnlyUnknownFindings(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "constructs", "properties-if.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Load("properties-if.yaml", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := policies.New()
	if err != nil {
		t.Fatal(err)
	}
	findings, err := eng.Evaluate(context.Background(), &model.Document{Resources: tpl.Resources})
	if err != nil {
		t.Fatal(err)
	}
	unknown := map[string]bool{}
	for _, f := range findings {
		if f.Status != model.StatusUnknown {
			t.Errorf("%s %s: status %s, want unknown: %s", f.Rule, f.Resource, f.Status, f.Message)
		}
		unknown[f.Rule+" "+f.Resource] = true
	}
	for _, id := range []string{"s3-versioning", "s3-encryption-kms", "s3-public-access-block"} {
		for _, r := range []string{"Switched", "Included"} {
			if !unknown[id+" "+r] {
				t.Errorf("no unknown finding of %s on %s; findings: %+v", id, r, findings)
			}
		}
	}
}
