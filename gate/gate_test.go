package gate

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stackgate/stackgate/config"
	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
)

const testConfig = `version: 1
default_environment: dev
environments:
  dev:
    enforcement: block
  sandbox:
    match: {paths: ["sandbox/**"]}
    enforcement: advise
  federal:
    match: {paths: ["federal/**"], accounts: ["111111111111"]}
    enforcement: block
    unknown: block
    mandatory: [s3-versioning]
  strict:
    match: {paths: ["strict/**"]}
    inline_suppressions: false
  prod:
    match: {paths: ["prod/**"], accounts: ["222222222222"]}
    enforcement: block
    rules:
      immutable-no-in-place-update: {}
waivers:
  - rule: s3-versioning
    resource: Scratch
    reason: rebuilt nightly
    owner: data-platform
    expires: 2027-03-31
  - rule: s3-versioning
    resource: Old
    reason: migration
    owner: legacy-team
    expires: 2026-01-31
  - rule: s3-versioning
    resource: Pinned
    reason: not allowed in federal
    owner: records
    expires: 2099-01-01
`

// bucket is an S3 bucket that fails only s3-versioning, declared at line.
func bucket(addr, file string, line int, unknownVersioning bool) model.Resource {
	r := model.Resource{
		Address: addr, Type: "AWS::S3::Bucket",
		Properties: map[string]any{
			"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
				map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "aws:kms"}},
			}},
			"PublicAccessBlockConfiguration": map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
			"VersioningConfiguration":        map[string]any{"Status": "Suspended"},
		},
		Origin: model.Origin{Layer: model.LayerCloudFormation, File: file,
			NameRange: model.Range{Start: model.Pos{Line: line, Column: 3}, End: model.Pos{Line: line, Column: 3 + len(addr)}},
			Paths: map[string]model.Range{
				"VersioningConfiguration.Status": {Start: model.Pos{Line: line + 3, Column: 17}, End: model.Pos{Line: line + 3, Column: 26}},
			}},
	}
	if unknownVersioning {
		r.Properties["VersioningConfiguration"] = map[string]any{"Status": nil}
		r.UnknownPaths = []model.Unknown{{Path: "VersioningConfiguration.Status", Reason: "parameter Versioning has no value and no Default"}}
	}
	return r
}

func newGate(t *testing.T, now time.Time) *Gate {
	t.Helper()
	e, err := policies.New()
	if err != nil {
		t.Fatal(err)
	}
	specs := make([]config.RuleSpec, 0)
	for _, r := range e.Rules() {
		specs = append(specs, config.RuleSpec{ID: r.ID, DefaultEnabled: r.DefaultEnabled, Parameters: r.Parameters})
	}
	cfg, err := config.Parse("stackgate.yaml", []byte(testConfig), specs)
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(e, cfg, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestCheckDecisions(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	type want struct {
		rule, resource, env, enforcement, status string
		blocking                                 bool
		waivedBy                                 string // "", "waiver", "inline"
		messageHas                               string
	}
	tests := []struct {
		name string
		unit Unit
		want []want
	}{
		{
			name: "dev blocks a failing bucket",
			unit: Unit{Layer: model.RuleLayerCI, Path: "app/t.yaml", Resources: []model.Resource{bucket("Logs", "app/t.yaml", 3, false)}},
			want: []want{{"s3-versioning", "Logs", "dev", "block", "fail", true, "", ""}},
		},
		{
			name: "a live waiver waives and does not block",
			unit: Unit{Layer: model.RuleLayerCI, Path: "app/t.yaml", Resources: []model.Resource{bucket("Scratch", "app/t.yaml", 3, false)}},
			want: []want{{"s3-versioning", "Scratch", "dev", "block", "fail", false, "waiver", ""}},
		},
		{
			name: "an expired waiver does not waive and is itself reported, never blocking",
			unit: Unit{Layer: model.RuleLayerCI, Path: "app/t.yaml", Resources: []model.Resource{bucket("Old", "app/t.yaml", 3, false)}},
			want: []want{
				{"waiver-expired", "Old", "dev", "block", "fail", false, "", "expired on 2026-01-31"},
				{"s3-versioning", "Old", "dev", "block", "fail", true, "", ""},
			},
		},
		{
			name: "sandbox only advises",
			unit: Unit{Layer: model.RuleLayerCI, Path: "sandbox/t.yaml", Resources: []model.Resource{bucket("Try", "sandbox/t.yaml", 3, false)}},
			want: []want{{"s3-versioning", "Try", "sandbox", "advise", "fail", false, "", ""}},
		},
		{
			name: "unknown does not block by default",
			unit: Unit{Layer: model.RuleLayerCI, Path: "app/t.yaml", Resources: []model.Resource{bucket("Param", "app/t.yaml", 3, true)}},
			want: []want{{"s3-versioning", "Param", "dev", "block", "unknown", false, "", "parameter Versioning has no value"}},
		},
		{
			name: "unknown blocks where the environment says unknown: block",
			unit: Unit{Layer: model.RuleLayerCI, Path: "federal/t.yaml", Resources: []model.Resource{bucket("Param", "federal/t.yaml", 3, true)}},
			want: []want{{"s3-versioning", "Param", "federal", "block", "unknown", true, "", ""}},
		},
		{
			name: "a mandatory rule cannot be waived",
			unit: Unit{Layer: model.RuleLayerCI, Path: "federal/t.yaml", Resources: []model.Resource{bucket("Pinned", "federal/t.yaml", 3, false)}},
			want: []want{{"s3-versioning", "Pinned", "federal", "block", "fail", true, "", "is mandatory in environment federal"}},
		},
		{
			name: "inline suppression on the resource line",
			unit: Unit{Layer: model.RuleLayerCI, Path: "app/t.yaml", Resources: []model.Resource{bucket("Tmp", "app/t.yaml", 3, false)},
				Suppressions: []model.Suppression{{Rule: "s3-versioning", Reason: "temporary", File: "app/t.yaml", Line: 2, Target: 3}}},
			want: []want{{"s3-versioning", "Tmp", "dev", "block", "fail", false, "inline", ""}},
		},
		{
			name: "inline suppression on the property line",
			unit: Unit{Layer: model.RuleLayerCI, Path: "app/t.yaml", Resources: []model.Resource{bucket("Tmp", "app/t.yaml", 3, false)},
				Suppressions: []model.Suppression{{Rule: "s3-versioning", Reason: "temporary", File: "app/t.yaml", Line: 6, Target: 6}}},
			want: []want{{"s3-versioning", "Tmp", "dev", "block", "fail", false, "inline", ""}},
		},
		{
			name: "inline suppression for another rule does nothing",
			unit: Unit{Layer: model.RuleLayerCI, Path: "app/t.yaml", Resources: []model.Resource{bucket("Tmp", "app/t.yaml", 3, false)},
				Suppressions: []model.Suppression{{Rule: "s3-encryption-kms", Reason: "x", File: "app/t.yaml", Line: 2, Target: 3}}},
			want: []want{{"s3-versioning", "Tmp", "dev", "block", "fail", true, "", ""}},
		},
		{
			name: "inline suppressions off in the environment",
			unit: Unit{Layer: model.RuleLayerCI, Path: "strict/t.yaml", Resources: []model.Resource{bucket("Tmp", "strict/t.yaml", 3, false)},
				Suppressions: []model.Suppression{{Rule: "s3-versioning", Reason: "temporary", File: "strict/t.yaml", Line: 2, Target: 3}}},
			want: []want{{"s3-versioning", "Tmp", "strict", "block", "fail", true, "", "does not allow inline suppressions"}},
		},
		{
			name: "hooks select the environment by account",
			unit: Unit{Layer: model.RuleLayerCI, AccountID: "111111111111", Resources: []model.Resource{bucket("Param", "", 3, true)}},
			want: []want{{"s3-versioning", "Param", "federal", "block", "unknown", true, "", ""}},
		},
	}
	g := newGate(t, now)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := g.Check(context.Background(), tt.unit)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != len(tt.want) {
				t.Fatalf("got %d findings, want %d: %+v", len(fs), len(tt.want), fs)
			}
			for i, w := range tt.want {
				f := fs[i]
				by := ""
				if f.Waived != nil {
					by = f.Waived.Kind
				}
				if f.Rule != w.rule || f.Resource != w.resource || f.Environment != w.env || f.Enforcement != w.enforcement ||
					f.Status != w.status || f.Blocking != w.blocking || by != w.waivedBy {
					t.Errorf("finding %d = {%s %s %s %s %s blocking=%v waived=%q}, want %+v", i, f.Rule, f.Resource, f.Environment, f.Enforcement, f.Status, f.Blocking, by, w)
				}
				if w.messageHas != "" && !strings.Contains(f.Message, w.messageHas) {
					t.Errorf("finding %d message %q lacks %q", i, f.Message, w.messageHas)
				}
			}
		})
	}
}

func TestCheckRejectsUnknownSuppressionRule(t *testing.T) {
	g := newGate(t, time.Now())
	_, err := g.Check(context.Background(), Unit{Layer: model.RuleLayerCI, Path: "a.yaml", Suppressions: []model.Suppression{{Rule: "s3-versoning", Reason: "typo", File: "a.yaml", Line: 7, Target: 8}}})
	if err == nil || !strings.Contains(err.Error(), "a.yaml:7") || !strings.Contains(err.Error(), "s3-versoning") {
		t.Fatalf("want an error naming a.yaml:7 and the rule, got %v", err)
	}
}

func TestEnvOverride(t *testing.T) {
	g := newGate(t, time.Now())
	g.EnvName = "sandbox"
	fs, err := g.Check(context.Background(), Unit{Layer: model.RuleLayerCI, Path: "federal/t.yaml", Resources: []model.Resource{bucket("B", "federal/t.yaml", 3, false)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Environment != "sandbox" || fs[0].Blocking {
		t.Fatalf("--env sandbox not applied: %+v", fs)
	}
	g.EnvName = "nope"
	if _, err := g.Check(context.Background(), Unit{Layer: model.RuleLayerCI, Path: "x"}); err == nil {
		t.Fatal("unknown --env accepted")
	}
}

// TestLayersApplied: a rule runs only in the layers its metadata names.
// immutable-no-in-place-update is [ci, deployment]: an editor buffer has no
// pending change to judge, so the rule is not evaluated there.
func TestLayersApplied(t *testing.T) {
	g := newGate(t, time.Now())
	r := bucket("Data", "prod/t.yaml", 3, false)
	r.Properties["VersioningConfiguration"] = map[string]any{"Status": "Enabled"}
	r.Change = &model.Change{Action: model.ActionUpdate, ChangedPaths: []string{"VersioningConfiguration.Status"},
		Before: map[string]any{"VersioningConfiguration": map[string]any{"Status": "Suspended"}}}
	for _, tt := range []struct {
		layer string
		want  int
	}{{model.RuleLayerEditor, 0}, {model.RuleLayerCI, 1}, {model.RuleLayerDeployment, 1}} {
		// At deployment the account selects prod; elsewhere the path.
		fs, err := g.Check(context.Background(), Unit{Layer: tt.layer, Path: "prod/t.yaml", Context: model.Context{AccountID: "222222222222"}, Resources: []model.Resource{r}})
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, f := range fs {
			if f.Rule == "immutable-no-in-place-update" {
				got++
			}
		}
		if got != tt.want {
			t.Errorf("layer %s: %d immutable-no-in-place-update findings, want %d: %+v", tt.layer, got, tt.want, fs)
		}
	}
	if _, err := g.Check(context.Background(), Unit{Path: "prod/t.yaml"}); err == nil {
		t.Error("a unit without a layer was checked")
	}
}

// TestUnknownWording: the gate words an unknown finding once, for the
// layer and the environment, with the reason the engine found.
func TestUnknownWording(t *testing.T) {
	g := newGate(t, time.Now())
	for _, tt := range []struct {
		layer, path string
		has         []string
		blocking    bool
	}{
		{model.RuleLayerCI, "app/t.yaml", []string{"Unknown: parameter Versioning has no value and no Default.", "the deploy-time hook will decide"}, false},
		{model.RuleLayerEditor, "federal/t.yaml", []string{"Unknown: parameter Versioning", "environment federal blocks until it is known (unknown: block)"}, true},
		{model.RuleLayerDeployment, "app/t.yaml", []string{"still unknown at deployment, so this rule could not check it"}, false},
		{model.RuleLayerDeployment, "federal/t.yaml", []string{"still unknown at deployment, and environment federal blocks"}, true},
	} {
		account := ""
		if strings.HasPrefix(tt.path, "federal/") {
			account = "111111111111"
		}
		fs, err := g.Check(context.Background(), Unit{Layer: tt.layer, Path: tt.path, Context: model.Context{AccountID: account}, Resources: []model.Resource{bucket("Param", tt.path, 3, true)}})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].Status != model.StatusUnknown {
			t.Fatalf("%s %s: want one unknown finding, got %+v", tt.layer, tt.path, fs)
		}
		f := fs[0]
		if f.UnknownReason != "parameter Versioning has no value and no Default" || f.Blocking != tt.blocking {
			t.Errorf("%s %s: reason %q blocking %v", tt.layer, tt.path, f.UnknownReason, f.Blocking)
		}
		for _, h := range tt.has {
			if !strings.Contains(f.Message, h) {
				t.Errorf("%s %s: message %q lacks %q", tt.layer, tt.path, f.Message, h)
			}
		}
		if tt.layer == model.RuleLayerDeployment && strings.Contains(f.Message, "hook will decide") {
			t.Errorf("the deployment layer defers to itself: %q", f.Message)
		}
	}
}

func TestNewRejectsUnknownEnvironment(t *testing.T) {
	g := newGate(t, time.Now())
	if _, err := New(g.Engine, g.Config, Options{Env: "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("New with --env nope: %v", err)
	}
	if ng, err := New(g.Engine, g.Config, Options{Env: "sandbox"}); err != nil || ng.EnvName != "sandbox" {
		t.Fatalf("New with --env sandbox: %v %+v", err, ng)
	}
}

// TestDeploymentSelectsByAccount: at deployment the account selects the
// environment, even when the unit names a file (a template a STACK hook
// fetched); in CI the same file's path does.
func TestDeploymentSelectsByAccount(t *testing.T) {
	g := newGate(t, time.Now())
	u := Unit{Path: "app/t.yaml", Context: model.Context{AccountID: "111111111111"}}
	for layer, want := range map[string]string{model.RuleLayerDeployment: "federal", model.RuleLayerCI: "dev", model.RuleLayerEditor: "dev"} {
		u.Layer = layer
		env, err := g.Environment(u)
		if err != nil {
			t.Fatal(err)
		}
		if env.Name != want {
			t.Errorf("layer %s: environment %s, want %s", layer, env.Name, want)
		}
	}
}
