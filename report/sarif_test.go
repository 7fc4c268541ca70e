package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stackgate/stackgate/policies/model"
)

// sarifSchemaID is the id of the official OASIS schema in
// testdata/sarif-schema-2.1.0.json (oasis-tcs/sarif-spec,
// sarif-2.1/schema/sarif-schema-2.1.0.json).
const sarifSchemaID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// sarifSchema compiles the official SARIF 2.1.0 schema from testdata; no
// network.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(sarifSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestSARIFValidatesAgainstOfficialSchema(t *testing.T) {
	sch := sarifSchema(t)
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			out := render(t, "sarif", loadCase(t, name), Options{})
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("SARIF output does not validate: %v", err)
			}
		})
	}
	// The schema is not a rubber stamp: a broken log fails.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"level":"fatal","message":{"text":"x"}}]}]}`))
	if err := sch.Validate(bad); err == nil {
		t.Error("an invalid SARIF log validated")
	}
}

// sarifLog mirrors the parts of SARIF the tests check.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string                `json:"id"`
					ShortDescription struct{ Text string } `json:"shortDescription"`
					FullDescription  struct{ Text string } `json:"fullDescription"`
					Help             struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
					DefaultConfiguration struct{ Level string } `json:"defaultConfiguration"`
					Properties           map[string]any         `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string                `json:"ruleId"`
			RuleIndex int                   `json:"ruleIndex"`
			Level     string                `json:"level"`
			Message   struct{ Text string } `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine, StartColumn, EndLine, EndColumn int
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
					Kind               string `json:"kind"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			Suppressions []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

func TestSARIFContent(t *testing.T) {
	res := loadCase(t, "mixed")
	var log sarifLog
	if err := json.Unmarshal(render(t, "sarif", res, Options{}), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q with %d runs, want 2.1.0 with one run", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "stackgate" || d.Version != "0.1.0" || d.InformationURI == "" || run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("driver %q %q %q, columnKind %q", d.Name, d.Version, d.InformationURI, run.ColumnKind)
	}
	// Every catalogue rule, then the user rule only findings name.
	var ids []string
	for _, r := range d.Rules {
		ids = append(ids, r.ID)
		if r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" || r.Help.Markdown == "" {
			t.Errorf("rule %s lacks a description or help", r.ID)
		}
		if _, ok := r.Properties["security-severity"].(string); !ok {
			t.Errorf("rule %s has no security-severity string", r.ID)
		}
	}
	wantIDs := "ec2-imdsv2 s3-encryption-kms s3-public-access-block s3-versioning sg-no-public-ingress acme-cost-center"
	if got := strings.Join(ids, " "); got != wantIDs {
		t.Errorf("rules %q, want %q", got, wantIDs)
	}
	kms := d.Rules[1]
	if kms.DefaultConfiguration.Level != "error" || kms.Properties["security-severity"] != "8.0" {
		t.Errorf("high rule: level %q, security-severity %v", kms.DefaultConfiguration.Level, kms.Properties["security-severity"])
	}
	for _, want := range []string{"**CloudFormation:**", "**Terraform:**", "```yaml", "```hcl"} {
		if !strings.Contains(kms.Help.Markdown, want) {
			t.Errorf("markdown help lacks %q", want)
		}
	}

	if len(run.Results) != len(res.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(res.Findings))
	}
	fingerprints := map[string]bool{}
	for i, r := range run.Results {
		f := res.Findings[i]
		if d.Rules[r.RuleIndex].ID != r.RuleID || r.RuleID != f.Rule {
			t.Errorf("result %d: ruleId %s, ruleIndex %d names %s", i, r.RuleID, r.RuleIndex, d.Rules[r.RuleIndex].ID)
		}
		if r.Level != sarifLevel(&f) {
			t.Errorf("result %d: level %q, want %q", i, r.Level, sarifLevel(&f))
		}
		loc := r.Locations[0]
		if loc.PhysicalLocation.ArtifactLocation.URI != f.File || loc.PhysicalLocation.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: artifact %+v", i, loc.PhysicalLocation.ArtifactLocation)
		}
		reg := loc.PhysicalLocation.Region
		if reg.StartLine != f.Line || reg.StartColumn != f.Column || reg.EndLine != f.EndLine || reg.EndColumn != f.EndColumn {
			t.Errorf("result %d: region %+v, finding %d:%d-%d:%d", i, reg, f.Line, f.Column, f.EndLine, f.EndColumn)
		}
		if ll := loc.LogicalLocations; len(ll) != 1 || ll[0].FullyQualifiedName != f.Resource || ll[0].Kind != "resource" {
			t.Errorf("result %d: logical locations %+v", i, ll)
		}
		fp := r.PartialFingerprints[fingerprintKey]
		if fp == "" || fingerprints[fp] {
			t.Errorf("result %d: fingerprint %q missing or not unique", i, fp)
		}
		fingerprints[fp] = true
		switch {
		case f.Waived == nil && len(r.Suppressions) != 0:
			t.Errorf("result %d: suppressed without a waiver", i)
		case f.Waived != nil:
			want := map[string]string{"waiver": "external", "inline": "inSource"}[f.Waived.Kind]
			if len(r.Suppressions) != 1 || r.Suppressions[0].Kind != want || r.Suppressions[0].Justification != f.Waived.Reason {
				t.Errorf("result %d: suppressions %+v, want kind %s", i, r.Suppressions, want)
			}
		}
	}
	if inv := run.Invocations; len(inv) != 1 || !inv[0].ExecutionSuccessful || len(inv[0].ToolExecutionNotifications) != len(res.Notes) {
		t.Errorf("invocations %+v, want one successful with the notes", inv)
	}
}

// The fingerprint ignores the line, so an alert survives edits above it.
func TestFingerprintStableAcrossLineMoves(t *testing.T) {
	f := loadCase(t, "mixed").Findings[0]
	moved := f
	moved.Line, moved.EndLine = f.Line+10, f.EndLine+10
	if fingerprint(&f, "/r") != fingerprint(&moved, "/r") {
		t.Error("fingerprint changed when the finding moved down")
	}
	other := f
	other.Resource = "OtherBucket"
	if fingerprint(&f, "/r") == fingerprint(&other, "/r") {
		t.Error("fingerprint did not change with the resource")
	}
}

func TestArtifactURI(t *testing.T) {
	tests := []struct {
		file, dir, uri string
		relative       bool
	}{
		{"envs/prod/bucket.yaml", "/home/ci/repo", "envs/prod/bucket.yaml", true},
		{"./envs//prod/../prod/bucket.yaml", "/home/ci/repo", "envs/prod/bucket.yaml", true},
		{`envs\prod\bucket.yaml`, `C:\repo`, "envs/prod/bucket.yaml", true},
		{"envs/my stack/template #1.yaml", "/r", "envs/my%20stack/template%20%231.yaml", true},
		{"../shared/main.tf", "/home/ci/repo", "../shared/main.tf", true},
		// Absolute names are made relative to the working directory: no
		// file:///abs/path from the build machine in the log.
		{"/home/ci/repo/main.tf", "/home/ci/repo", "main.tf", true},
		{"/home/ci/repo/envs/prod/main.tf", "/home/ci/repo/", "envs/prod/main.tf", true},
		{"/home/ci/shared/main.tf", "/home/ci/repo", "../shared/main.tf", true},
		{"/home/ci/repo2/main.tf", "/home/ci/repo", "../repo2/main.tf", true},
		{"/main.tf", "/", "main.tf", true},
		{`C:\repo\main.tf`, `C:\repo`, "main.tf", true},
		{`c:\repo\envs\main.tf`, `C:\repo`, "envs/main.tf", true},
		// Only a name with no relative form stays absolute.
		{`D:\other\main.tf`, `C:\repo`, "file:///D:/other/main.tf", false},
		{"/home/ci/repo/main.tf", "", "file:///home/ci/repo/main.tf", false},
	}
	for _, tt := range tests {
		uri, rel := artifactURI(tt.file, tt.dir)
		if uri != tt.uri || rel != tt.relative {
			t.Errorf("artifactURI(%q, %q) = %q, %v; want %q, %v", tt.file, tt.dir, uri, rel, tt.uri, tt.relative)
		}
	}
}

// A scan given absolute paths writes the same SARIF as one given relative
// ones: every artifact location is relative to %SRCROOT%, and the
// fingerprints agree.
func TestSARIFAbsolutePathsAreRelative(t *testing.T) {
	const dir = "/home/ci/repo"
	relRes := loadCase(t, "mixed")
	relRes.WorkDir = dir
	absRes := loadCase(t, "mixed")
	absRes.WorkDir = dir
	for i := range absRes.Findings {
		f := &absRes.Findings[i]
		f.File = dir + "/" + f.File
		f.Related = append([]model.Location(nil), f.Related...)
		for j := range f.Related {
			f.Related[j].File = dir + "/" + f.Related[j].File
		}
	}
	got := string(render(t, "sarif", absRes, Options{}))
	if strings.Contains(got, "file://") || strings.Contains(got, dir) {
		t.Errorf("absolute path in the SARIF log:\n%s", got)
	}
	if want := string(render(t, "sarif", relRes, Options{})); got != want {
		t.Errorf("SARIF of absolute paths differs from that of relative ones")
	}
}

// Errors are error-level tool execution notifications at their file and
// line; executionSuccessful is false exactly when they fail the run (exit
// 2), and stays true when the user allowed them (the notifications still
// say the results may be incomplete).
func TestSARIFErrors(t *testing.T) {
	type notification struct {
		Level   string `json:"level"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
		Locations []struct {
			PhysicalLocation struct {
				ArtifactLocation struct {
					URI       string `json:"uri"`
					URIBaseID string `json:"uriBaseId"`
				} `json:"artifactLocation"`
				Region *struct {
					StartLine   int `json:"startLine"`
					StartColumn int `json:"startColumn"`
				} `json:"region"`
			} `json:"physicalLocation"`
		} `json:"locations"`
	}
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool           `json:"executionSuccessful"`
				Notifications       []notification `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	for _, allowed := range []bool{false, true} {
		res := loadCase(t, "errors")
		res.ErrorsAllowed = allowed
		if err := json.Unmarshal(render(t, "sarif", res, Options{}), &log); err != nil {
			t.Fatal(err)
		}
		inv := log.Runs[0].Invocations[0]
		if inv.ExecutionSuccessful != allowed {
			t.Errorf("allowed %v: executionSuccessful %v", allowed, inv.ExecutionSuccessful)
		}
		if len(inv.Notifications) != len(res.Errors)+len(res.Notes) {
			t.Fatalf("%d notifications, want %d errors and %d notes", len(inv.Notifications), len(res.Errors), len(res.Notes))
		}
		for i, e := range res.Errors {
			n := inv.Notifications[i]
			if n.Level != "error" || n.Message.Text != e.Message {
				t.Errorf("notification %d: %s %q, want error %q", i, n.Level, n.Message.Text, e.Message)
			}
			if e.File == "" {
				if len(n.Locations) != 0 {
					t.Errorf("notification %d: locations %+v for an error of no file", i, n.Locations)
				}
				continue
			}
			if len(n.Locations) != 1 {
				t.Fatalf("notification %d: %d locations", i, len(n.Locations))
			}
			pl := n.Locations[0].PhysicalLocation
			if pl.ArtifactLocation.URIBaseID != "%SRCROOT%" || strings.Contains(pl.ArtifactLocation.URI, "file:") {
				t.Errorf("notification %d: artifact %+v", i, pl.ArtifactLocation)
			}
			if e.Line > 0 && (pl.Region == nil || pl.Region.StartLine != e.Line || pl.Region.StartColumn != e.Column) {
				t.Errorf("notification %d: region %+v, want %d:%d", i, pl.Region, e.Line, e.Column)
			}
		}
		if n := inv.Notifications[len(res.Errors)]; n.Level != "note" {
			t.Errorf("the note is a %s", n.Level)
		}
	}
	// Without errors the execution succeeded, blocking findings or not.
	res := loadCase(t, "mixed")
	if err := json.Unmarshal(render(t, "sarif", res, Options{}), &log); err != nil {
		t.Fatal(err)
	}
	if !log.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("a run with findings and no errors is not successful")
	}
}
