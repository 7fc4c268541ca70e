package plan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/tfmap"
)

const algPath = "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm"

// loadBoth loads a fixture by Load and by LoadWithConfig with the
// fixture's directory as the configuration.
func loadBoth(t *testing.T, name string) (plain *Plan, withConfig *Assembled) {
	t.Helper()
	file, src := readFixture(t, name)
	plain, err := Load(file, src)
	if err != nil {
		t.Fatal(err)
	}
	withConfig, err = LoadWithConfig(context.Background(), file, src, filepath.Dir(file), terraform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return plain, withConfig
}

func byAddress(t *testing.T, rs []tfmap.Resource, addr string) tfmap.Resource {
	t.Helper()
	for _, r := range rs {
		if r.Address == addr {
			return r
		}
	}
	t.Fatalf("%s missing", addr)
	return tfmap.Resource{}
}

// TestExpressionOverUnknownIsUnknown: in the expr fixture (a genuine plan)
// sse_algorithm is a conditional over aws_kms_key.sandbox.key_id, which
// the plan's configuration lists only as a reference. It is unknown, not a
// reference (which the rules would read as an algorithm "${...}", a
// failure), with the configuration's source and without it.
// kms_master_key_id, a bare reference, stays a reference in both.
func TestExpressionOverUnknownIsUnknown(t *testing.T) {
	plain, assembled := loadBoth(t, "expr")
	const sse = "aws_s3_bucket_server_side_encryption_configuration.sandbox"
	keyArn := tfmap.Ref{Address: "aws_kms_key.sandbox", Type: "aws_kms_key", Attribute: "arn"}
	for name, rs := range map[string][]tfmap.Resource{"plan only": plain.Resources, "with configuration": assembled.Plan.Resources} {
		t.Run(name, func(t *testing.T) {
			r := byAddress(t, rs, sse)
			checkResource(t, r, want{action: "create",
				unknown: []string{algPath},
				known:   []string{ssePath, "bucket"},
				refs: map[string]tfmap.Ref{
					ssePath:  keyArn,
					"bucket": {Address: "aws_s3_bucket.sandbox", Type: "aws_s3_bucket", Attribute: "id"},
				}})
			if _, isRef := r.Refs[algPath]; isRef {
				t.Errorf("sse_algorithm is a reference: %+v", r.Refs[algPath])
			}
			if reason := r.Unknown[algPath]; !strings.Contains(reason, "aws_kms_key.sandbox.key_id") {
				t.Errorf("reason %q does not name the reference", reason)
			}
		})
	}

	// In the model the rules read: SSEAlgorithm unknown, KMSMasterKeyID a
	// reference to the key, in both.
	const (
		cfnAlg = "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm"
		cfnKey = "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID"
	)
	mapped, _ := tfmap.Map(plain.Resources, model.LayerPlan)
	for name, ms := range map[string][]model.Resource{"plan only": mapped, "with configuration": assembled.Resources} {
		var bucket *model.Resource
		for i := range ms {
			if ms[i].Address == "aws_s3_bucket.sandbox" {
				bucket = &ms[i]
			}
		}
		if bucket == nil {
			t.Fatalf("%s: aws_s3_bucket.sandbox not mapped", name)
		}
		var unknown []string
		for _, u := range bucket.UnknownPaths {
			unknown = append(unknown, u.Path)
		}
		if !strings.Contains(strings.Join(unknown, " "), cfnAlg) {
			t.Errorf("%s: SSEAlgorithm not unknown (unknown: %q, references: %v)", name, unknown, bucket.References)
		}
		if _, isRef := bucket.References[cfnAlg]; isRef {
			t.Errorf("%s: SSEAlgorithm is a reference", name)
		}
		if got := bucket.References[cfnKey]; got.Address != "aws_kms_key.sandbox" || got.Type != "AWS::KMS::Key" {
			t.Errorf("%s: KMSMasterKeyID reference %+v", name, got)
		}
		for _, p := range unknown {
			if p == cfnKey {
				t.Errorf("%s: KMSMasterKeyID is unknown", name)
			}
		}
	}
}

// TestConfigurationShowsChosenReference: kms_master_key_id =
// var.use_cmk ? aws_kms_key.sandbox.arn : null. The plan lists a variable
// and a resource, so from the plan alone it is unknown; the .tf source,
// evaluated, shows the chosen branch is a bare reference.
func TestConfigurationShowsChosenReference(t *testing.T) {
	plain, assembled := loadBoth(t, "expr")
	const sse = "aws_s3_bucket_server_side_encryption_configuration.logs"
	checkResource(t, byAddress(t, plain.Resources, sse), want{unknown: []string{ssePath}})
	checkResource(t, byAddress(t, assembled.Plan.Resources, sse), want{known: []string{ssePath},
		refs: map[string]tfmap.Ref{ssePath: {Address: "aws_kms_key.sandbox", Type: "aws_kms_key", Attribute: "arn"}}})
}

// TestConfigurationKeepsReferences: on every fixture, reading the
// configuration's source keeps every reference the plan alone finds (no
// fixture has an expression the plan alone takes for a reference); it may
// name the attribute where the plan can only name the resource (through a
// module input: aws_kms_key.lake[each.key].arn).
func TestConfigurationKeepsReferences(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			plain, assembled := loadBoth(t, name)
			for _, r := range plain.Resources {
				c := byAddress(t, assembled.Plan.Resources, r.Address)
				for p, ref := range r.Refs {
					got, ok := c.Refs[p]
					if ref.Attribute == "" {
						got.Attribute = ""
					}
					if !ok || got != ref {
						t.Errorf("%s: %s: %+v with the configuration, %+v without", r.Address, p, got, ref)
					}
				}
			}
		})
	}
}

func TestRefBearing(t *testing.T) {
	for path, want := range map[string]bool{
		ssePath:                              true,
		algPath:                              false,
		"bucket":                             true,
		"vpc_security_group_ids":             true,
		"vpc_security_group_ids[0]":          true,
		"launch_template[0].id":              true,
		"security_group_id":                  true,
		"tags.owner":                         false,
		"description":                        false,
		"versioning_configuration[0].status": false,
		"ingress[0].protocol":                false,
		"":                                   false,
	} {
		if got := refBearing(path); got != want {
			t.Errorf("refBearing(%q) = %v, want %v", path, got, want)
		}
	}
}

// declLine finds the line of resource "typ" "name" in a .tf file.
func declLine(t *testing.T, file, typ, name string) int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	head := fmt.Sprintf("resource %q %q", typ, name)
	for n := 1; sc.Scan(); n++ {
		if strings.HasPrefix(sc.Text(), head) {
			return n
		}
	}
	t.Fatalf("%s: no %s", file, head)
	return 0
}

// TestLoadWithConfig: resources the configuration has point at their
// block in the .tf file (in a module's file for module resources, with
// the call site in the root), the rest at the plan; the environment is
// chosen by the first configuration file; every configuration source read
// is returned, and the plan file is not (its caller has it).
func TestLoadWithConfig(t *testing.T) {
	tests := []struct {
		name    string
		envPath string
		inPlan  []string // addresses the configuration no longer has
		files   []string
	}{
		{name: "create", envPath: "create/main.tf", files: []string{"create/main.tf"}},
		{name: "module", envPath: "module/main.tf", files: []string{"module/main.tf", "module/modules/bucket/main.tf"}},
		{name: "delete", envPath: "delete/main.tf", inPlan: []string{"aws_kms_key.old", "aws_s3_bucket_versioning.data"}},
		{name: "expr", envPath: "expr/main.tf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, src := readFixture(t, tt.name)
			dir := filepath.Dir(file)
			a, err := LoadWithConfig(context.Background(), file, src, dir, terraform.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(fixtureDir, tt.envPath); a.EnvPath != want {
				t.Errorf("EnvPath %q, want %q", a.EnvPath, want)
			}
			if _, ok := a.Files[file]; ok {
				t.Errorf("Files holds the plan file %s; the caller has its text", file)
			}
			for _, f := range tt.files {
				f = filepath.Join(fixtureDir, f)
				want, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Files[f], want) {
					t.Errorf("Files[%q] is not the file (%d files: %v)", f, len(a.Files), keys(a.Files))
				}
			}
			if len(a.Resources) == 0 {
				t.Error("nothing mapped")
			}
			for _, r := range a.Plan.Resources {
				if r.Change == nil {
					t.Errorf("%s: no Change", r.Address)
				}
				gone := false
				for _, addr := range tt.inPlan {
					gone = gone || addr == r.Address
				}
				if gone {
					if r.File != file || r.NameRange.Filename != file {
						t.Errorf("%s (not in the configuration) points at %q, want the plan", r.Address, r.File)
					}
					continue
				}
				tf := filepath.Join(dir, "main.tf")
				if r.Module != "" {
					tf = filepath.Join(dir, "modules", "bucket", "main.tf")
					if r.CallSite.Filename != filepath.Join(dir, "main.tf") || r.CallSite.Start.Line == 0 {
						t.Errorf("%s: call site %+v", r.Address, r.CallSite)
					}
				}
				if r.File != tf || r.NameRange.Filename != tf {
					t.Errorf("%s: file %q / %q, want %q", r.Address, r.File, r.NameRange.Filename, tf)
					continue
				}
				if got, want := r.NameRange.Start.Line, declLine(t, tf, r.Type, r.Name); got != want {
					t.Errorf("%s: line %d, want %d", r.Address, got, want)
				}
			}
			for _, m := range a.Resources {
				if m.Origin.Layer != model.LayerPlan {
					t.Errorf("%s: layer %q", m.Address, m.Origin.Layer)
				}
			}
		})
	}
}

// TestLoadWithConfigSSEPath: a finding on the key of the SSE configuration
// points at its line in main.tf.
func TestLoadWithConfigSSEPath(t *testing.T) {
	_, a := loadBoth(t, "expr")
	r := byAddress(t, a.Plan.Resources, "aws_s3_bucket_server_side_encryption_configuration.sandbox")
	src, err := os.ReadFile(r.File)
	if err != nil {
		t.Fatal(err)
	}
	rng, ok := r.Ranges[ssePath]
	if !ok {
		t.Fatalf("no range for %s (%v)", ssePath, keys(r.Ranges))
	}
	line := strings.Split(string(src), "\n")[rng.Start.Line-1]
	if !strings.Contains(line, "kms_master_key_id = aws_kms_key.sandbox.arn") {
		t.Errorf("range of %s is line %d: %q", ssePath, rng.Start.Line, line)
	}
}

// TestLoadWithoutConfig: with no directory, LoadWithConfig is Load plus
// the mapping; everything points at the plan, and no file is read.
func TestLoadWithoutConfig(t *testing.T) {
	file, src := readFixture(t, "create")
	a, err := LoadWithConfig(context.Background(), file, src, "", terraform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.EnvPath != file || len(a.Files) != 0 {
		t.Errorf("EnvPath %q, files %v", a.EnvPath, keys(a.Files))
	}
	p, err := Load(file, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Plan.Resources) != len(p.Resources) {
		t.Errorf("%d resources, Load has %d", len(a.Plan.Resources), len(p.Resources))
	}
}

func TestLoadWithConfigErrors(t *testing.T) {
	file, src := readFixture(t, "create")
	// a broken plan is reported before the configuration is read
	if _, err := LoadWithConfig(context.Background(), file, src[:100], "no-such-dir", terraform.Options{}); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("broken plan: %v", err)
	}
	if _, err := LoadWithConfig(context.Background(), file, src, "no-such-dir", terraform.Options{}); err == nil {
		t.Error("missing configuration directory loaded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadWithConfig(ctx, file, src, filepath.Dir(file), terraform.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

func TestConfigDir(t *testing.T) {
	file, _ := readFixture(t, "create")
	if got := ConfigDir(nil, file); got != filepath.Dir(file) {
		t.Errorf("ConfigDir(%q) = %q", file, got)
	}
	if got := ConfigDir(nil, filepath.Join(t.TempDir(), "plan.json")); got != "" {
		t.Errorf("ConfigDir of an empty directory = %q", got)
	}
}

// TestErroredPlanRefused: Terraform writes "errored": true when planning
// failed part-way. The input is the genuine unknown fixture with that one
// field set (the rest of an errored plan is shaped the same); such a plan
// is refused, never checked as if complete.
func TestErroredPlanRefused(t *testing.T) {
	file, src := readFixture(t, "unknown")
	errored := bytes.Replace(src, []byte(`"errored": false`), []byte(`"errored": true`), 1)
	if bytes.Equal(errored, src) {
		t.Fatal(`fixture has no "errored": false`)
	}
	_, err := Load(file, errored)
	var me *model.Error
	if !errors.As(err, &me) {
		t.Fatalf("err = %T %v, want *model.Error", err, err)
	}
	if me.File != file || !strings.Contains(me.Message, "incomplete") || !strings.Contains(me.Message, "terraform plan failed") ||
		!strings.Contains(me.Message, "run it again") {
		t.Errorf("error %q", err)
	}
	if _, err := LoadWithConfig(context.Background(), file, errored, filepath.Dir(file), terraform.Options{}); !errors.As(err, &me) {
		t.Errorf("LoadWithConfig: %v", err)
	}
	if _, err := Load(file, src); err != nil {
		t.Errorf("errored false: %v", err)
	}
}
