package config

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
)

// mustLoad parses a testdata/valid config as if it lived in dir.
func mustLoad(t *testing.T, name, dir string) *Config {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "valid", name))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(filepath.Join(dir, "stackgate.yaml"), src, testRules)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

func TestForPath(t *testing.T) {
	repo := filepath.FromSlash("/repo")
	if filepath.VolumeName(os.TempDir()) != "" {
		repo = filepath.Join(filepath.VolumeName(os.TempDir())+`\`, "repo")
	}
	design := mustLoad(t, "design.yaml", repo)
	org := mustLoad(t, "org.yaml", repo)
	named := mustLoad(t, "default-named.yaml", repo)
	tests := []struct {
		cfg  *Config
		path string
		want string
	}{
		{design, "envs/federal/main.tf", "federal"},
		{design, "envs/federal/modules/kms/key.tf", "federal"},
		{design, "envs/federal", "federal"}, // "/**" also matches the directory itself
		{design, "envs/federalx/main.tf", "dev"},
		{design, "sandbox/play.yaml", "sandbox"},
		{design, "main.tf", "dev"},                      // default_environment
		{design, "../elsewhere/sandbox/x.tf", "dev"},    // outside the config dir
		{org, "envs/prod/vpc/main.tf", "production"},    // first match wins over envs/**
		{org, "envs/staging/main.tf", "workloads"},      // the later, wider glob
		{org, "stacks/prod-network.yaml", "production"}, // single-segment *
		{org, "stacks/nested/prod-x.yaml", "workloads"}, // * does not cross /
		{named, "regulated/bucket.tf", "regulated"},     // ...
		{named, "other/bucket.tf", "default"},           // env named default is the fallback
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+tt.path, func(t *testing.T) {
			got := tt.cfg.ForPath(filepath.Join(repo, filepath.FromSlash(tt.path)))
			if got.Name != tt.want {
				t.Errorf("ForPath(%s) = %s, want %s", tt.path, got.Name, tt.want)
			}
		})
	}
}

func TestForPathRelativeToWorkingDir(t *testing.T) {
	repo := t.TempDir()
	cfg := mustLoad(t, "design.yaml", repo)
	t.Chdir(filepath.Join(repo))
	if got := cfg.ForPath("sandbox/a.tf").Name; got != "sandbox" {
		t.Errorf("ForPath from repo root = %s, want sandbox", got)
	}
	if err := os.MkdirAll(filepath.Join(repo, "envs", "federal"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(repo, "envs"))
	if got := cfg.ForPath("federal/b.tf").Name; got != "federal" {
		t.Errorf("ForPath from envs/ = %s, want federal", got)
	}
	if got := cfg.ForPath("../sandbox/c.tf").Name; got != "sandbox" {
		t.Errorf("ForPath(../sandbox/c.tf) = %s, want sandbox", got)
	}
}

func TestForTarget(t *testing.T) {
	design := mustLoad(t, "design.yaml", "/repo")
	org := mustLoad(t, "org.yaml", "/repo")
	sandbox := mustLoad(t, "sandbox.yaml", "/repo")
	tests := []struct {
		name   string
		cfg    *Config
		target Target
		want   string
	}{
		{"account listed", design, Target{AccountID: "111111111111"}, "federal"},
		{"account not listed", design, Target{AccountID: "999999999999"}, "dev"},
		{"second account of env", org, Target{AccountID: "333333333333"}, "production"},
		{"ou", org, Target{AccountID: "444444444444", OrganizationalUnits: []string{"ou-ab12-zzzz0000", "ou-ab12-prod0001"}}, "production"},
		{"later ou", org, Target{AccountID: "444444444444", OrganizationalUnits: []string{"ou-ab12-work0001"}}, "workloads"},
		{"all tags", org, Target{AccountID: "555555555555", Tags: map[string]string{"team": "security", "tier": "tooling", "x": "y"}}, "security-tooling"},
		{"partial tags", org, Target{AccountID: "555555555555", Tags: map[string]string{"team": "security"}}, "workloads"},
		{"wrong tag value", org, Target{AccountID: "555555555555", Tags: map[string]string{"team": "security", "tier": "prod"}}, "workloads"},
		{"no env for accounts", sandbox, Target{AccountID: "111111111111"}, "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.ForTarget(tt.target).Name; got != tt.want {
				t.Errorf("ForTarget = %s, want %s", got, tt.want)
			}
			if len(tt.target.OrganizationalUnits) == 0 && len(tt.target.Tags) == 0 {
				if got := tt.cfg.ForAccount(tt.target.AccountID).Name; got != tt.want {
					t.Errorf("ForAccount = %s, want %s", got, tt.want)
				}
			}
		})
	}
}

func TestEnvironmentByName(t *testing.T) {
	design := mustLoad(t, "design.yaml", "/repo")
	for _, name := range []string{"dev", "sandbox", "federal", "default"} {
		env, err := design.Environment(name)
		if err != nil {
			t.Errorf("Environment(%s): %v", name, err)
			continue
		}
		want := name
		if name == "default" {
			want = "dev" // default_environment is the fallback
		}
		if env.Name != want {
			t.Errorf("Environment(%s) = %s, want %s", name, env.Name, want)
		}
	}
	_, err := design.Environment("federl")
	if err == nil {
		t.Fatal("Environment(federl) succeeded")
	}
	for _, s := range []string{`unknown environment "federl"`, "did you mean 'federal'?", "valid environments: dev, sandbox, federal"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	if _, err := Default(testRules).Environment("default"); err != nil {
		t.Errorf("built-in default: %v", err)
	}
}

func ruleIDs(env *Environment) []string {
	ids := make([]string, 0, len(env.Rules))
	for id := range env.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func TestEffectiveRules(t *testing.T) {
	org := mustLoad(t, "org.yaml", "/repo")
	design := mustLoad(t, "design.yaml", "/repo")
	sandbox := mustLoad(t, "sandbox.yaml", "/repo")
	get := func(c *Config, name string) *Environment {
		env, err := c.Environment(name)
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	without := func(ids ...string) []string {
		var out []string
		for _, id := range defaultOn {
			if !slices.Contains(ids, id) {
				out = append(out, id)
			}
		}
		return out
	}
	with := func(ids ...string) []string {
		out := append(append([]string{}, defaultOn...), ids...)
		sort.Strings(out)
		return out
	}
	tests := []struct {
		name string
		env  *Environment
		want []string
	}{
		{"no rules key: default-enabled only", get(design, "dev"), defaultOn},
		{"listed rules on", get(design, "federal"), with("allowed-regions", "allowed-resource-types", "immutable-no-in-place-update", "no-drift", "no-drift-suppression", "required-tags", "s3-dual-layer-encryption")},
		{"enabled false turns default off", get(sandbox, "sandbox"), without("s3-versioning", "kms-key-rotation")},
		{"enabled true with params", get(org, "workloads"), without("s3-versioning")},
		{"built-in default", Default(testRules).Fallback(), defaultOn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ruleIDs(tt.env)); diff != "" {
				t.Errorf("enabled rules (-want +got):\n%s", diff)
			}
			for id, params := range tt.env.Rules {
				if params == nil {
					t.Errorf("rule %s has nil parameters, want an empty map", id)
				}
				if _, ok := params[enabledKey]; ok {
					t.Errorf("rule %s parameters keep the reserved key 'enabled'", id)
				}
			}
		})
	}

	params := []struct {
		env  *Environment
		rule string
		want map[string]any
	}{
		{get(org, "workloads"), "sg-no-public-ingress", map[string]any{"allowed_ports": []any{int64(80), int64(443)}}},
		{get(org, "production"), "required-tags", map[string]any{"tags": map[string]any{
			"data-classification": []any{"internal", "confidential", "restricted"},
			"cost-center":         []any{},
		}}},
		{get(design, "federal"), "allowed-regions", map[string]any{"regions": []any{"us-gov-west-1"}}},
		{get(design, "federal"), "s3-dual-layer-encryption", map[string]any{}},
		{get(design, "dev"), "sg-no-public-ingress", map[string]any{}},
	}
	for _, p := range params {
		if diff := cmp.Diff(p.want, p.env.Rules[p.rule]); diff != "" {
			t.Errorf("%s %s parameters (-want +got):\n%s", p.env.Name, p.rule, diff)
		}
	}
}

func TestEnvironmentSettings(t *testing.T) {
	org := mustLoad(t, "org.yaml", "/repo")
	prod, _ := org.Environment("production")
	if prod.Enforcement != model.EnforcementBlock || prod.Unknown != UnknownBlock || prod.InlineSuppressions {
		t.Errorf("production = %s/%s/inline %v, want block/block/false", prod.Enforcement, prod.Unknown, prod.InlineSuppressions)
	}
	if !prod.IsMandatory("no-drift") || prod.IsMandatory("s3-versioning") {
		t.Errorf("mandatory = %v", prod.Mandatory)
	}
	tooling, _ := org.Environment("security-tooling")
	if tooling.Enforcement != model.EnforcementWarn || tooling.Unknown != UnknownWarn || !tooling.InlineSuppressions {
		t.Errorf("security-tooling defaults wrong: %+v", tooling)
	}
	me := prod.ModelEnvironment()
	if diff := cmp.Diff(prod.Rules, me.Rules); diff != "" || me.Name != "production" {
		t.Errorf("ModelEnvironment differs (-config +model):\n%s", diff)
	}
	me.Rules["required-tags"]["tags"].(map[string]any)["cost-center"] = []any{"x"}
	me.Rules["allowed-regions"]["regions"].([]any)[0] = "us-east-1"
	if got := prod.Rules["required-tags"]["tags"].(map[string]any)["cost-center"]; len(got.([]any)) != 0 {
		t.Error("ModelEnvironment shares nested maps with the config")
	}
	if got := prod.Rules["allowed-regions"]["regions"].([]any)[0]; got != "eu-west-1" {
		t.Error("ModelEnvironment shares lists with the config")
	}
}

func TestDefault(t *testing.T) {
	cfg := Default(testRules)
	env := cfg.ForPath("anything/main.tf")
	if env.Name != "default" || env.Enforcement != model.EnforcementBlock || env.Unknown != UnknownWarn || !env.InlineSuppressions {
		t.Errorf("default env = %+v", env)
	}
	if cfg.ForAccount("111111111111") != env {
		t.Error("ForAccount on the default config did not return the default env")
	}
	if cfg.File != "" || len(cfg.Environments) != 0 || len(cfg.Waivers) != 0 {
		t.Errorf("default config = %+v", cfg)
	}
}

func TestPoliciesAndExclude(t *testing.T) {
	repo := t.TempDir()
	org := mustLoad(t, "org.yaml", repo)
	want := []string{filepath.Join(repo, "policies", "custom"), filepath.Join(repo, "policies", "team-rules")}
	if diff := cmp.Diff(want, org.Policies); diff != "" {
		t.Errorf("Policies (-want +got):\n%s", diff)
	}
	tests := []struct {
		path string
		want bool
	}{
		{"modules/vpc/.terraform/modules/x/main.tf", true},
		{".terraform/providers/p.tf", true},
		{"vendor/lib/main.tf", true},
		{"stacks/app.generated.yaml", true},
		{"stacks/app.yaml", false},
		{"envs/prod/vendor.tf", false},
	}
	for _, tt := range tests {
		if got := org.Excluded(filepath.Join(repo, filepath.FromSlash(tt.path))); got != tt.want {
			t.Errorf("Excluded(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
