package plan

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stackgate/stackgate/scanner/tfmap"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var fixtures = []string{"create", "update", "tags", "replace", "delete", "drift", "unknown", "module", "expr"}

// TestFixturesDecodeStrictly checks the fixtures are what Terraform writes:
// terraform-json decodes and validates them, and with unknown fields
// disallowed the only fields it does not know are the top-level ones
// Terraform 1.8+ adds (applyable, errored).
func TestFixturesDecodeStrictly(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			_, src := readFixture(t, name)
			var p tfjson.Plan
			if err := json.Unmarshal(src, &p); err != nil {
				t.Fatalf("tfjson: %v", err)
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal(src, &top); err != nil {
				t.Fatal(err)
			}
			delete(top, "applyable")
			delete(top, "errored")
			trimmed, _ := json.Marshal(top)
			type strict tfjson.Plan
			dec := json.NewDecoder(bytes.NewReader(trimmed))
			dec.DisallowUnknownFields()
			var sp strict
			if err := dec.Decode(&sp); err != nil {
				t.Fatalf("strict decode: %v", err)
			}
			if len(p.ResourceChanges) == 0 {
				t.Fatal("fixture has no resource_changes")
			}
		})
	}
}

// want describes what a test expects of one resource; empty fields are
// not checked.
type want struct {
	action   string
	changed  []string // exact, when set
	changes  []string // must be among ChangedPaths
	replace  []string
	reason   string
	unknown  []string // must be among the Unknown paths
	known    []string // must not be among the Unknown paths
	refs     map[string]tfmap.Ref
	drifted  []string // exact DriftedPaths; Drifted is expected when set
	noDrift  bool
	region   string
	module   string
	sens     []string
	typ      string
	dataMode bool
}

var ssePath = "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id"

func TestFixtures(t *testing.T) {
	tests := []struct {
		name   string
		region string
		count  int
		want   map[string]want
	}{
		{name: "create", region: "eu-west-1", count: 8, want: map[string]want{
			"aws_s3_bucket.logs": {action: "create", region: "eu-west-1", typ: "aws_s3_bucket",
				changes: []string{"bucket", "tags.owner", "tags.data-classification", "arn"},
				known:   []string{"bucket", "tags", "arn", "id"}},
			"aws_s3_bucket_server_side_encryption_configuration.logs": {action: "create",
				refs: map[string]tfmap.Ref{"bucket": {Address: "aws_s3_bucket.logs", Type: "aws_s3_bucket", Attribute: "id"}},
				// a constant ARN is a value, not a reference
				known: []string{ssePath, "bucket"}},
			"aws_instance.bastion": {action: "create", region: "us-east-1",
				known: []string{"vpc_security_group_ids", "metadata_options[0].http_put_response_hop_limit"},
				refs:  map[string]tfmap.Ref{"vpc_security_group_ids": {Address: "aws_security_group.web", Type: "aws_security_group", Attribute: "id"}}},
			"aws_kms_key.data": {action: "create", sens: []string{"description"}},
		}},
		{name: "update", region: "eu-central-1", count: 3, want: map[string]want{
			"aws_s3_bucket_versioning.data": {action: "update", changed: []string{"versioning_configuration[0].status"}},
			"aws_instance.app":              {action: "update", changed: []string{"instance_type", "metadata_options[0].http_tokens"}},
			"aws_s3_bucket.data":            {action: "none", changed: []string{}, noDrift: true},
		}},
		{name: "tags", region: "eu-central-1", count: 1, want: map[string]want{
			"aws_s3_bucket.data": {action: "update", changed: []string{"tags.cost-center", "tags.owner", "tags_all.cost-center", "tags_all.owner"}},
		}},
		{name: "replace", region: "eu-central-1", count: 2, want: map[string]want{
			"aws_s3_bucket.data": {action: "replace", replace: []string{"bucket"}, reason: "replace_because_cannot_update",
				changes: []string{"bucket", "arn"}, known: []string{"arn"}},
			"aws_instance.app": {action: "replace", replace: []string{"ami"}, reason: "replace_because_cannot_update",
				changes: []string{"ami"}},
		}},
		{name: "delete", region: "eu-central-1", count: 3, want: map[string]want{
			"aws_s3_bucket_versioning.data": {action: "delete", reason: "delete_because_no_resource_config", region: "eu-central-1",
				changes: []string{"versioning_configuration[0].status"}},
			"aws_kms_key.old":    {action: "delete", reason: "delete_because_no_resource_config"},
			"aws_s3_bucket.data": {action: "none"},
		}},
		{name: "drift", region: "eu-central-1", count: 3, want: map[string]want{
			"aws_s3_bucket.data": {action: "update", drifted: []string{"tags.owner"}},
			"aws_security_group.db": {action: "update", drifted: []string{
				"ingress[0].cidr_blocks[0]", "ingress[0].from_port", "ingress[0].protocol", "ingress[0].to_port"}},
			// bucket_key_enabled null -> false: the code does not set it
			"aws_s3_bucket_server_side_encryption_configuration.data": {action: "none", noDrift: true},
		}},
		{name: "unknown", region: "eu-central-1", count: 4, want: map[string]want{
			"aws_s3_bucket_server_side_encryption_configuration.data": {action: "create",
				refs: map[string]tfmap.Ref{
					"bucket": {Address: "aws_s3_bucket.data", Type: "aws_s3_bucket", Attribute: "id"},
					ssePath:  {Address: "aws_kms_key.data", Type: "aws_kms_key", Attribute: "arn"},
				},
				known: []string{ssePath, "bucket"}},
			// a template of a key id and a variable: unknown, not a reference
			"aws_launch_template.app": {action: "create", unknown: []string{"description"}, known: []string{"name"}},
		}},
		{name: "module", region: "eu-central-1", count: 6, want: map[string]want{
			`module.lake["raw"].aws_s3_bucket_server_side_encryption_configuration.this`: {action: "create",
				module: `module.lake["raw"]`, region: "eu-central-1",
				refs: map[string]tfmap.Ref{
					"bucket": {Address: `module.lake["raw"].aws_s3_bucket.this`, Type: "aws_s3_bucket", Attribute: "id"},
					ssePath:  {Address: `aws_kms_key.lake["raw"]`, Type: "aws_kms_key"},
				}},
			`module.lake["curated"].aws_s3_bucket_server_side_encryption_configuration.this`: {action: "create",
				module: `module.lake["curated"]`,
				refs: map[string]tfmap.Ref{
					"bucket": {Address: `module.lake["curated"].aws_s3_bucket.this`, Type: "aws_s3_bucket", Attribute: "id"},
					ssePath:  {Address: `aws_kms_key.lake["curated"]`, Type: "aws_kms_key"},
				}},
			`aws_kms_key.lake["raw"]`: {action: "create", module: ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, src := readFixture(t, tt.name)
			p, err := Load(file, src)
			if err != nil {
				t.Fatal(err)
			}
			if p.Region != tt.region {
				t.Errorf("Plan.Region = %q, want %q", p.Region, tt.region)
			}
			if p.FormatVersion == "" || p.TerraformVersion == "" {
				t.Errorf("versions not set: %q %q", p.FormatVersion, p.TerraformVersion)
			}
			if len(p.Resources) != tt.count {
				t.Errorf("%d resources, want %d", len(p.Resources), tt.count)
			}
			byAddr := map[string]tfmap.Resource{}
			lines := bytes.Split(src, []byte("\n"))
			for _, r := range p.Resources {
				byAddr[r.Address] = r
				checkOrigin(t, file, lines, r)
			}
			for addr, w := range tt.want {
				r, ok := byAddr[addr]
				if !ok {
					t.Errorf("%s missing", addr)
					continue
				}
				checkResource(t, r, w)
			}
		})
	}
}

// checkOrigin asserts every resource points at the line of its own
// "address" in the plan JSON.
func checkOrigin(t *testing.T, file string, lines [][]byte, r tfmap.Resource) {
	t.Helper()
	if r.File != file || r.NameRange.Filename != file {
		t.Errorf("%s: file %q / %q, want %q", r.Address, r.File, r.NameRange.Filename, file)
	}
	l := r.NameRange.Start.Line
	if l < 1 || l > len(lines) {
		t.Errorf("%s: NameRange line %d out of range", r.Address, l)
		return
	}
	q, _ := json.Marshal(r.Address)
	if !bytes.Contains(lines[l-1], append([]byte(`"address": `), q...)) {
		t.Errorf("%s: NameRange line %d is %q", r.Address, l, lines[l-1])
	}
	if col := r.NameRange.Start.Column; string(lines[l-1][col-1]) != `"` {
		t.Errorf("%s: NameRange column %d is not at the address string", r.Address, col)
	}
	if r.Range.Start.Line >= l || r.Range.End.Line <= l {
		t.Errorf("%s: Range %d-%d does not enclose the address line %d", r.Address, r.Range.Start.Line, r.Range.End.Line, l)
	}
}

func checkResource(t *testing.T, r tfmap.Resource, w want) {
	t.Helper()
	ch := r.Change
	if ch == nil {
		t.Errorf("%s: no Change", r.Address)
		return
	}
	if w.action != "" && ch.Action != w.action {
		t.Errorf("%s: action %q, want %q", r.Address, ch.Action, w.action)
	}
	if w.changed != nil && !slices.Equal(ch.ChangedPaths, w.changed) && !(len(w.changed) == 0 && len(ch.ChangedPaths) == 0) {
		t.Errorf("%s: changed paths %q, want %q", r.Address, ch.ChangedPaths, w.changed)
	}
	for _, p := range w.changes {
		if !slices.Contains(ch.ChangedPaths, p) {
			t.Errorf("%s: %s not among changed paths %q", r.Address, p, ch.ChangedPaths)
		}
	}
	if w.replace != nil && !slices.Equal(ch.ReplacePaths, w.replace) {
		t.Errorf("%s: replace paths %q, want %q", r.Address, ch.ReplacePaths, w.replace)
	}
	if w.reason != "" && ch.Reason != w.reason {
		t.Errorf("%s: reason %q, want %q", r.Address, ch.Reason, w.reason)
	}
	for _, p := range w.unknown {
		reason, ok := r.Unknown[p]
		if !ok {
			t.Errorf("%s: %s not unknown (unknown: %v)", r.Address, p, keys(r.Unknown))
		} else if !strings.HasPrefix(reason, r.Address+"."+p+" is known only after apply") {
			t.Errorf("%s: reason for %s is %q", r.Address, p, reason)
		}
	}
	for _, p := range w.known {
		if _, ok := r.Unknown[p]; ok {
			t.Errorf("%s: %s is unknown: %s", r.Address, p, r.Unknown[p])
		}
	}
	for p, ref := range w.refs {
		if got, ok := r.Refs[p]; !ok || got != ref {
			t.Errorf("%s: ref at %s = %+v, want %+v", r.Address, p, got, ref)
		}
	}
	if w.drifted != nil {
		if !ch.Drifted || !slices.Equal(ch.DriftedPaths, w.drifted) {
			t.Errorf("%s: drifted %v %q, want %q", r.Address, ch.Drifted, ch.DriftedPaths, w.drifted)
		}
	}
	if w.noDrift && (ch.Drifted || len(ch.DriftedPaths) > 0) {
		t.Errorf("%s: drifted %q, want no drift", r.Address, ch.DriftedPaths)
	}
	if w.region != "" && r.Region != w.region {
		t.Errorf("%s: region %q, want %q", r.Address, r.Region, w.region)
	}
	if w.module != "" && r.Module != w.module {
		t.Errorf("%s: module %q, want %q", r.Address, r.Module, w.module)
	}
	if w.sens != nil && !slices.Equal(r.Sensitive, w.sens) {
		t.Errorf("%s: sensitive %q, want %q", r.Address, r.Sensitive, w.sens)
	}
	if w.typ != "" && r.Type != w.typ {
		t.Errorf("%s: type %q, want %q", r.Address, r.Type, w.typ)
	}
	if r.Mode != "managed" {
		t.Errorf("%s: mode %q", r.Address, r.Mode)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestSensitiveNeverPrinted: the create fixture feeds a sensitive variable
// into the key's description. Its value stays readable in Attrs (rules may
// need it) but appears in no reason, note or error.
func TestSensitiveNeverPrinted(t *testing.T) {
	const secret = "s3cr3t-key-description"
	file, src := readFixture(t, "create")
	if !bytes.Contains(src, []byte(secret)) {
		t.Fatal("fixture no longer holds the sensitive value")
	}
	p, err := Load(file, src)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	texts = append(texts, p.Notes...)
	for _, r := range p.Resources {
		for _, reason := range r.Unknown {
			texts = append(texts, reason)
		}
		if r.Address == "aws_kms_key.data" && r.Attrs["description"] != secret {
			t.Errorf("sensitive value not kept in Attrs for rules")
		}
	}
	// Errors about the file must not quote it either: break the plan just
	// after the secret and at it.
	i := bytes.Index(src, []byte(secret))
	for _, bad := range [][]byte{
		append(slices.Clone(src[:i+len(secret)]), []byte(`" x`)...),
		append(slices.Clone(src[:i]), []byte(`12 s3cr3t-key-description"`)...),
		src[:i+5],
	} {
		if _, err := Load(file, bad); err == nil {
			t.Error("broken plan loaded")
		} else {
			texts = append(texts, err.Error())
		}
	}
	for _, s := range texts {
		if strings.Contains(s, secret) || strings.Contains(s, "s3cr3t") {
			t.Errorf("sensitive value printed: %s", s)
		}
	}
}

// golden is the part of a loaded plan that the golden files pin: all but
// the attribute values.
type golden struct {
	File, FormatVersion, Region string
	Notes                       []string
	Resources                   []goldenResource
}

type goldenResource struct {
	Address, Type, Name, Module, Mode, Region string
	Line                                      int
	Action                                    string
	ChangedPaths, ReplacePaths, DriftedPaths  []string             `json:",omitempty"`
	Reason                                    string               `json:",omitempty"`
	Drifted                                   bool                 `json:",omitempty"`
	Unknown                                   map[string]string    `json:",omitempty"`
	Refs                                      map[string]tfmap.Ref `json:",omitempty"`
	Sensitive                                 []string             `json:",omitempty"`
}

// TestGolden pins the whole output for every fixture; run with -update
// after a deliberate change and review the diff.
func TestGolden(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			file, src := readFixture(t, name)
			p, err := Load(filepath.ToSlash(file), src)
			if err != nil {
				t.Fatal(err)
			}
			g := golden{File: p.File, FormatVersion: p.FormatVersion, Region: p.Region, Notes: p.Notes}
			for _, r := range p.Resources {
				g.Resources = append(g.Resources, goldenResource{
					Address: r.Address, Type: r.Type, Name: r.Name, Module: r.Module, Mode: r.Mode, Region: r.Region,
					Line: r.NameRange.Start.Line, Action: r.Change.Action, ChangedPaths: r.Change.ChangedPaths,
					ReplacePaths: r.Change.ReplacePaths, DriftedPaths: r.Change.DriftedPaths, Reason: r.Change.Reason,
					Drifted: r.Change.Drifted, Unknown: r.Unknown, Refs: r.Refs, Sensitive: r.Sensitive,
				})
			}
			got, err := json.MarshalIndent(g, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			gf := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(gf), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(gf, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gf)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Errorf("%s differs (-want +got):\n%s", gf, d)
			}
		})
	}
}
