package main

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPlanEndToEnd runs `stackgate plan` on genuine plan fixtures in an
// immutable environment: in-place updates and real drift block, tag-only
// updates and refresh noise do not, and findings point at .tf lines.
func TestPlanEndToEnd(t *testing.T) {
	tests := []struct {
		plan string
		code int
		want []string // rule resource file:line, for the change rules
	}{
		{"update", 1, []string{
			"immutable-no-in-place-update aws_instance.app testdata/plan/update/main.tf:27",
			"immutable-no-in-place-update aws_s3_bucket.data testdata/plan/update/main.tf:21",
		}},
		{"tags", 1, nil},
		{"drift", 1, []string{
			"immutable-no-in-place-update aws_security_group.db testdata/plan/drift/main.tf:36",
			"no-drift aws_s3_bucket.data testdata/plan/drift/main.tf:17",
			"no-drift aws_security_group.db testdata/plan/drift/main.tf:36",
		}},
		{"replace", 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.plan, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "plan", "--config", "testdata/cli/immutable/stackgate.yaml", "--format", "json", "testdata/plan/"+tt.plan+"/plan.json")
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, stderr)
			}
			var out struct {
				Findings []struct {
					Rule, Resource, File string
					Line                 int
				}
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range out.Findings {
				if strings.HasPrefix(f.Rule, "immutable") || strings.HasPrefix(f.Rule, "no-drift") {
					got = append(got, f.Rule+" "+f.Resource+" "+f.File+":"+strconv.Itoa(f.Line))
				}
			}
			sort.Strings(got)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("change findings (-want +got):\n%s", d)
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	if code, _, stderr := runCLI(t, "plan", "testdata/plan/missing.json"); code != 2 || !strings.Contains(stderr, "missing.json") {
		t.Errorf("missing plan: exit %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "plan", "testdata/cli/compliant/storage.yaml"); code != 2 || !strings.Contains(stderr, "storage.yaml") {
		t.Errorf("not a plan: exit %d %s", code, stderr)
	}
}

// Plan findings on resources in a module relate to the module block of
// the configuration beside the plan.
func TestPlanModuleFindingsRelateToCall(t *testing.T) {
	code, stdout, stderr := runCLI(t, "plan", "--format", "json", "testdata/plan/module/plan.json")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var out struct {
		Findings []struct {
			Resource, File string
			Line           int
			Related        []struct {
				File string
				Line int
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range out.Findings {
		if f.File != "testdata/plan/module/modules/bucket/main.tf" || len(f.Related) != 1 ||
			f.Related[0].File != "testdata/plan/module/main.tf" || f.Related[0].Line != 20 {
			t.Errorf("%s at %s:%d related %+v", f.Resource, f.File, f.Line, f.Related)
		}
	}
}
