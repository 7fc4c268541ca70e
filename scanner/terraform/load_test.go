package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/tfmap"
	"github.com/stackgate/stackgate/scanner/vfs"
)

func load(t *testing.T, dir string, opts Options) *Module {
	t.Helper()
	m, err := Load(t.Context(), dir, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return m
}

func find(t *testing.T, m *Module, addr string) tfmap.Resource {
	t.Helper()
	for _, r := range m.Resources {
		if r.Address == addr {
			return r
		}
	}
	var addrs []string
	for _, r := range m.Resources {
		addrs = append(addrs, r.Address)
	}
	t.Fatalf("no resource %s; have:\n%s", addr, strings.Join(addrs, "\n"))
	return tfmap.Resource{}
}

// expectation is one assertion on a path of a resource.
type expectation struct {
	addr, path string
	value      any    // expected value (when not unknown)
	unknown    string // expected reason; "" when the value is known
	ref        *tfmap.Ref
	line       int    // expected start line of the path's range (0: not checked)
	file       string // expected file name (base), when line is checked
}

func check(t *testing.T, m *Module, tests []expectation) {
	t.Helper()
	for _, tt := range tests {
		r := find(t, m, tt.addr)
		name := tt.addr + " " + tt.path
		if tt.unknown != "" {
			if got := r.Unknown[tt.path]; got != tt.unknown {
				t.Errorf("%s: unknown reason %q, want %q", name, got, tt.unknown)
			}
		} else {
			if reason, ok := r.Unknown[tt.path]; ok {
				t.Errorf("%s: unexpectedly unknown: %s", name, reason)
			}
			got, ok := model.Lookup(r.Attrs, tt.path)
			if !ok {
				t.Errorf("%s: path not found in %v", name, r.Attrs)
			} else if d := cmp.Diff(tt.value, got); d != "" {
				t.Errorf("%s (-want +got):\n%s", name, d)
			}
		}
		if tt.ref != nil {
			if d := cmp.Diff(*tt.ref, r.Refs[tt.path]); d != "" {
				t.Errorf("%s: ref (-want +got):\n%s", name, d)
			}
		}
		if tt.line != 0 {
			rng := r.Ranges[tt.path]
			if rng.Start.Line != tt.line || filepath.Base(rng.Filename) != tt.file {
				t.Errorf("%s: range %s:%d, want %s:%d", name, rng.Filename, rng.Start.Line, tt.file, tt.line)
			}
		}
	}
}

func TestS3Split(t *testing.T) {
	m := load(t, "testdata/s3split", Options{})
	sse := "rule[0].apply_server_side_encryption_by_default[0]."
	check(t, m, []expectation{
		{addr: `aws_s3_bucket.lake["raw"]`, path: "bucket", value: "acme-lake-raw", line: 36, file: "main.tf"},
		{addr: `aws_s3_bucket.lake["curated"]`, path: "tags.tier", value: "gold"},
		{addr: `aws_s3_bucket.lake["raw"]`, path: "tags.environment", value: "prod"},
		{addr: `aws_s3_bucket_server_side_encryption_configuration.lake["raw"]`, path: "bucket",
			unknown: `aws_s3_bucket.lake["raw"].id is known only after apply`,
			ref:     &tfmap.Ref{Address: `aws_s3_bucket.lake["raw"]`, Type: "aws_s3_bucket", Attribute: "id"}, line: 48, file: "main.tf"},
		{addr: `aws_s3_bucket_server_side_encryption_configuration.lake["raw"]`, path: sse + "kms_master_key_id",
			unknown: "aws_kms_key.data.arn is known only after apply",
			ref:     &tfmap.Ref{Address: "aws_kms_key.data", Type: "aws_kms_key", Attribute: "arn"}, line: 53, file: "main.tf"},
		{addr: `aws_s3_bucket_server_side_encryption_configuration.lake["raw"]`, path: sse + "sse_algorithm", value: "aws:kms:dsse", line: 52, file: "main.tf"},
		{addr: `aws_s3_bucket_server_side_encryption_configuration.lake["raw"]`, path: "rule[0]", value: m.Resources[3].Attrs["rule"].([]any)[0], line: 50, file: "main.tf"},
		{addr: `aws_s3_bucket_versioning.lake["curated"]`, path: "versioning_configuration[0].status", value: "Suspended"},
		{addr: `aws_s3_bucket_versioning.lake["raw"]`, path: "versioning_configuration[0].status", value: "Enabled"},
		{addr: `aws_s3_bucket_versioning.lake["raw"]`, path: "bucket", unknown: `aws_s3_bucket.lake["raw"].id is known only after apply`,
			ref: &tfmap.Ref{Address: `aws_s3_bucket.lake["raw"]`, Type: "aws_s3_bucket", Attribute: "id"}},
		{addr: "aws_s3_bucket_server_side_encryption_configuration.logs", path: sse + "sse_algorithm",
			unknown: "var.sse_algorithm has no value", line: 79, file: "main.tf"},
		{addr: "aws_s3_bucket_public_access_block.logs", path: "restrict_public_buckets", value: true, line: 89, file: "main.tf"},
		{addr: "aws_db_instance.main", path: "storage_encrypted", value: true},
	})
	if got := find(t, m, `aws_s3_bucket.lake["raw"]`).Region; got != "eu-central-1" {
		t.Errorf("region from prod.auto.tfvars = %q", got)
	}
	if got := find(t, m, "aws_s3_bucket.logs").Region; got != "us-west-2" {
		t.Errorf("region of provider aws.west = %q", got)
	}
	lake := find(t, m, `aws_s3_bucket.lake["raw"]`)
	want := &model.Lifecycle{IgnoreChanges: []string{"tags.LastScanned", "replication_configuration"}, PreventDestroy: true}
	if d := cmp.Diff(want, lake.Lifecycle); d != "" {
		t.Errorf("lifecycle (-want +got):\n%s", d)
	}
	if r := lake.Ranges["lifecycle.ignore_changes"]; r.Start.Line != 40 {
		t.Errorf("ignore_changes range %+v", r)
	}
	db := find(t, m, "aws_db_instance.main")
	if d := cmp.Diff([]string{"password"}, db.Sensitive); d != "" {
		t.Errorf("sensitive (-want +got):\n%s", d)
	}
	if m.Files[filepath.Join("testdata", "s3split", "terraform.tfvars")] == nil {
		t.Error("terraform.tfvars not in Files")
	}
}

func TestModules(t *testing.T) {
	m := load(t, "testdata/modules", Options{})
	sse := "rule[0].apply_server_side_encryption_by_default[0]."
	check(t, m, []expectation{
		{addr: "module.raw.aws_s3_bucket.this", path: "bucket", value: "acme-raw", line: 25, file: "main.tf"},
		{addr: "module.archive.aws_s3_bucket.this", path: "bucket", value: "acme-archive"},
		{addr: `module.team["beta"].aws_s3_bucket.this`, path: "bucket", value: "acme-team-beta"},
		{addr: "module.raw.aws_s3_bucket_server_side_encryption_configuration.this", path: sse + "sse_algorithm", value: "aws:kms", line: 33, file: "main.tf"},
		{addr: "module.archive.aws_s3_bucket_server_side_encryption_configuration.this", path: sse + "sse_algorithm", value: "AES256"},
		// A module input that is a resource reference stays a reference.
		{addr: "module.raw.aws_s3_bucket_server_side_encryption_configuration.this", path: sse + "kms_master_key_id",
			unknown: "aws_kms_key.shared.arn is known only after apply",
			ref:     &tfmap.Ref{Address: "aws_kms_key.shared", Type: "aws_kms_key", Attribute: "arn"}},
		// null input: known null, not unknown.
		{addr: "module.archive.aws_s3_bucket_server_side_encryption_configuration.this", path: sse + "kms_master_key_id", value: nil},
		// A module output that is a resource attribute stays a reference.
		{addr: "aws_s3_bucket_policy.raw", path: "bucket", unknown: "module.raw.aws_s3_bucket.this.id is known only after apply",
			ref: &tfmap.Ref{Address: "module.raw.aws_s3_bucket.this", Type: "aws_s3_bucket", Attribute: "id"}},
		{addr: "aws_instance.web[0]", path: "instance_type", value: "t3.micro"},
		{addr: "aws_instance.web[1]", path: "subnet_id", value: "10.0.1.0/24"},
	})
	for _, r := range m.Resources {
		if r.Address == "aws_s3_bucket.replica[0]" || r.Address == "module.archive.aws_s3_bucket_versioning.this[0]" {
			t.Errorf("%s exists although its count is 0", r.Address)
		}
		if strings.HasPrefix(r.Address, "module.") && !strings.Contains(r.File, filepath.Join("modules", "bucket")) {
			t.Errorf("%s: file %s is not the module's file", r.Address, r.File)
		}
	}
	if site := find(t, m, "module.raw.aws_s3_bucket.this").CallSite; site.Start.Line != 6 || filepath.ToSlash(site.Filename) != "testdata/modules/main.tf" {
		t.Errorf("call site of module.raw: %+v", site)
	}
	if site := find(t, m, "aws_s3_bucket_policy.raw").CallSite; !site.IsZero() {
		t.Errorf("root resource has a call site: %+v", site)
	}
	if r := find(t, m, "aws_s3_bucket_policy.raw"); r.Refs["policy"] != (tfmap.Ref{}) {
		t.Errorf("policy built with jsonencode is not a reference: %+v", r.Refs["policy"])
	}
}

func TestProviderDefaultTags(t *testing.T) {
	m := load(t, "testdata/provider_tags", Options{})
	if len(m.Notes) != 0 {
		t.Errorf("notes: %v", m.Notes)
	}
	tests := []struct {
		addr    string
		tags    map[string]any
		unknown map[string]string
		line    int // of the owner entry
	}{
		{`aws_kms_key.data["raw"]`, map[string]any{"owner": "data-platform", "cost-center": nil},
			map[string]string{"cost-center": "var.cost_center has no value"}, 7},
		{"module.work_queue.aws_sqs_queue.this", map[string]any{"owner": "data-platform", "cost-center": nil},
			map[string]string{"cost-center": "var.cost_center has no value"}, 7},
		// passed as providers = { aws = aws.archive }; tags from a local
		{"module.archive_queue.aws_sqs_queue.this", map[string]any{"owner": "data-platform", "retention": "10y"},
			map[string]string{}, 17},
	}
	for _, tt := range tests {
		dt := find(t, m, tt.addr).DefaultTags
		if dt == nil {
			t.Errorf("%s: no default tags", tt.addr)
			continue
		}
		if d := cmp.Diff(tt.tags, dt.Tags); d != "" {
			t.Errorf("%s: tags (-want +got):\n%s", tt.addr, d)
		}
		if d := cmp.Diff(tt.unknown, dt.Unknown); d != "" {
			t.Errorf("%s: unknown (-want +got):\n%s", tt.addr, d)
		}
		rng, ok := dt.Ranges["owner"]
		if !ok {
			rng = dt.Ranges[""]
		}
		if rng.Start.Line != tt.line || filepath.Base(rng.Filename) != "main.tf" {
			t.Errorf("%s: owner range %+v, want main.tf:%d", tt.addr, rng, tt.line)
		}
	}
	check(t, m, []expectation{
		{addr: `aws_kms_alias.data["curated"]`, path: "target_key_id", unknown: `aws_kms_key.data["curated"].key_id is known only after apply`},
		{addr: `aws_kms_alias.data["raw"]`, path: "name", value: "alias/raw"},
	})
}

func TestDynamicBlocks(t *testing.T) {
	m := load(t, "testdata/dynamic_sg", Options{})
	check(t, m, []expectation{
		{addr: "aws_security_group.web", path: "ingress[0].cidr_blocks", value: []any{"0.0.0.0/0"}, line: 33, file: "main.tf"},
		{addr: "aws_security_group.web", path: "ingress[0].from_port", value: int64(443)},
		{addr: "aws_security_group.web", path: "ingress[1].description", value: "ssh from vpn"},
		{addr: "aws_security_group.web", path: "ingress[0].description", value: "managed"},
		{addr: "aws_security_group.web", path: "ingress[0]", value: find(t, m, "aws_security_group.web").Attrs["ingress"].([]any)[0], line: 29, file: "main.tf"},
		{addr: "aws_security_group.web", path: "ingress[2].from_port", value: int64(8080), line: 39, file: "main.tf"},
		{addr: "aws_security_group.web", path: "egress[0].protocol", value: "-1", line: 51, file: "main.tf"},
		{addr: "aws_security_group.unknown", path: "ingress", unknown: `for_each of dynamic "ingress" is unknown (var.extra_cidrs has no value)`},
		{addr: "aws_launch_template.nested", path: "block_device_mappings[1].ebs[1].volume_size", value: int64(200), line: 81, file: "main.tf"},
		{addr: "aws_launch_template.nested", path: "block_device_mappings[0].device_name", value: "/dev/sda1"},
	})
}

func TestJSONConfig(t *testing.T) {
	m := load(t, "testdata/json", Options{})
	check(t, m, []expectation{
		{addr: "aws_s3_bucket.app", path: "bucket", value: "app-dev", line: 17, file: "main.tf.json"},
		{addr: "aws_s3_bucket.app", path: "tags.Name", value: "app-dev"},
		{addr: "aws_s3_bucket_server_side_encryption_configuration.app", path: "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm", value: "aws:kms", line: 59, file: "main.tf.json"},
		{addr: "aws_s3_bucket_server_side_encryption_configuration.app", path: "bucket", unknown: "aws_s3_bucket.app.id is known only after apply",
			ref: &tfmap.Ref{Address: "aws_s3_bucket.app", Type: "aws_s3_bucket", Attribute: "id"}},
		{addr: "aws_s3_bucket_versioning.app", path: "versioning_configuration[0].status", value: "Enabled", line: 4, file: "extra.tf"},
		// dynamic blocks in JSON: after the static blocks of the type
		{addr: "aws_security_group.web", path: "ingress[0].from_port", value: int64(443)},
		{addr: "aws_security_group.web", path: "ingress[1].cidr_blocks", value: []any{"10.1.0.0/16"}, line: 37, file: "main.tf.json"},
		{addr: "aws_security_group.web", path: "ingress[2].description", value: "ssh from admin network 1"},
		{addr: "aws_security_group.unknown", path: "ingress", unknown: `for_each of dynamic "ingress" is unknown (var.extra_ports has no value)`},
	})
	if len(m.Notes) != 0 {
		t.Errorf("notes %q", m.Notes)
	}
	if lc := find(t, m, "aws_s3_bucket.app").Lifecycle; lc == nil || len(lc.IgnoreChanges) != 1 || lc.IgnoreChanges[0] != "tags" {
		t.Errorf("lifecycle %+v", lc)
	}
}

func TestInstalledModules(t *testing.T) {
	m := load(t, "testdata/installed", Options{})
	check(t, m, []expectation{
		{addr: "module.vpc.aws_subnet.private[2]", path: "cidr_block", value: "10.0.32.0/20"},
		{addr: "aws_flow_log.vpc", path: "iam_role_arn", unknown: "module.eks (source terraform-aws-modules/eks/aws) is not scanned; its outputs are unknown"},
	})
	// A resource of a downloaded module knows the module block that calls it.
	if site := find(t, m, "module.vpc.aws_subnet.private[2]").CallSite; site.Start.Line != 1 || strings.Contains(site.Filename, ".terraform") {
		t.Errorf("call site of module.vpc: %+v", site)
	}
	if len(m.Notes) != 1 || !strings.Contains(m.Notes[0], "module.eks") {
		t.Errorf("notes %q", m.Notes)
	}
}

// TestVariablePrecedence follows Terraform's order: default, TF_VAR_,
// terraform.tfvars, *.auto.tfvars, --var-file, --var.
func TestVariablePrecedence(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "n" { type = number }
variable "l" { type = list(string) }
variable "o" {
  type = object({ name = string, size = optional(number, 10) })
  default = { name = "x" }
}
resource "null_resource" "r" {
  triggers = { a = var.a, b = var.b, c = var.c, d = var.d, e = var.e, n = var.n, l = join(",", var.l), size = var.o.size }
}
`)
	write(t, dir, "terraform.tfvars", "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\n")
	write(t, dir, "x.auto.tfvars", "c = \"auto\"\nd = \"auto\"\ne = \"auto\"\n")
	varFile := write(t, dir, "extra.tfvars", "d = \"varfile\"\ne = \"varfile\"\n")
	m := load(t, dir, Options{
		VarFiles: []string{varFile},
		Vars:     map[string]string{"e": "cli", "l": `["p", "q"]`},
		Env:      []string{"TF_VAR_a=env", "TF_VAR_b=env", "TF_VAR_n=42"},
	})
	want := map[string]any{"a": "env", "b": "tfvars", "c": "auto", "d": "varfile", "e": "cli", "n": int64(42), "l": "p,q", "size": int64(10)}
	if d := cmp.Diff(want, find(t, m, "null_resource.r").Attrs["triggers"]); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestUnknownExpansion(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `
variable "names" { type = set(string) }
variable "n" { type = number }
resource "aws_s3_bucket" "b" {
  for_each = var.names
  bucket   = "x-${each.key}"
  acl      = "private"
}
resource "aws_instance" "i" {
  count         = var.n
  instance_type = "t3.micro"
  tags          = { Name = "web-${count.index}" }
}
`)
	m := load(t, dir, Options{})
	reason := "for_each of aws_s3_bucket.b is unknown (var.names has no value)"
	check(t, m, []expectation{
		{addr: "aws_s3_bucket.b[*]", path: "bucket", unknown: reason},
		{addr: "aws_s3_bucket.b[*]", path: "acl", value: "private"},
		{addr: "aws_instance.i[*]", path: "instance_type", value: "t3.micro"},
		{addr: "aws_instance.i[*]", path: "tags.Name", unknown: "count of aws_instance.i is unknown (var.n has no value)"},
	})
	if len(m.Notes) != 2 {
		t.Errorf("notes %q", m.Notes)
	}
}

func TestEachValueOfResource(t *testing.T) {
	m := load(t, "testdata/s3split", Options{})
	check(t, m, []expectation{
		{addr: `aws_s3_bucket_server_side_encryption_configuration.lake["curated"]`, path: "bucket",
			unknown: `aws_s3_bucket.lake["curated"].id is known only after apply`,
			ref:     &tfmap.Ref{Address: `aws_s3_bucket.lake["curated"]`, Type: "aws_s3_bucket", Attribute: "id"}},
	})
}

func write(t testing.TB, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestErrors covers configurations Terraform rejects and hostile input:
// each gives a clear error naming the file and line.
func TestErrors(t *testing.T) {
	deep := "locals {\n  x = " + strings.Repeat("(", 10000) + "1" + strings.Repeat(")", 10000) + "\n}\n"
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  string // substring of the error
		where string // file:line prefix of the first error
	}{
		{name: "parse error", files: map[string]string{"main.tf": "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \n}\n"},
			want: "Invalid expression", where: "main.tf:2"},
		{name: "local cycle", files: map[string]string{"main.tf": "locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\nresource \"x_y\" \"z\" {\n  v = local.a\n}\n"},
			want: "cycle: local.a -> local.b -> local.c -> local.a", where: "main.tf:"},
		{name: "resource cycle", files: map[string]string{"main.tf": "resource \"x_y\" \"a\" {\n  v = x_y.b.id\n}\nresource \"x_y\" \"b\" {\n  v = x_y.a.id\n}\n"},
			want: "cycle: x_y.a -> x_y.b -> x_y.a", where: "main.tf:"},
		{name: "undeclared variable", files: map[string]string{"main.tf": "resource \"x_y\" \"a\" {\n  v = var.nope\n}\n"},
			want: `undeclared input variable "nope"`, where: "main.tf:2:7"},
		{name: "module calls itself", files: map[string]string{
			"main.tf":   "module \"a\" {\n  source = \"./a\"\n}\n",
			"a/main.tf": "module \"b\" {\n  source = \"../b\"\n}\n",
			"b/main.tf": "module \"a\" {\n  source = \"../a\"\n}\n"},
			want: "a module must not call itself", where: filepath.Join("b", "main.tf") + ":2"},
		{name: "module calls its own directory", files: map[string]string{"main.tf": "module \"me\" {\n  source = \"./\"\n}\n"},
			want: "a module must not call itself", where: "main.tf:2"},
		{name: "for_each of 100000 instances", files: map[string]string{"main.tf": "resource \"x_y\" \"a\" {\n  for_each = toset([for p in setproduct(range(1000), range(100)) : \"${p[0]}-${p[1]}\"])\n}\n"},
			want: "creates 100000 instances, over the limit of 10000", where: "main.tf:2"},
		{name: "huge count", files: map[string]string{"main.tf": "resource \"x_y\" \"a\" {\n  count = 1000000000000\n}\n"},
			want: "over the limit of 10000", where: "main.tf:2"},
		{name: "total instances", opts: Options{MaxTotalInstances: 15}, files: map[string]string{"main.tf": "resource \"x_y\" \"a\" {\n  count = 10\n}\nresource \"x_y\" \"b\" {\n  count = 10\n}\n"},
			want: "more than 15 resource and module instances", where: "main.tf:5"},
		{name: "deep nesting", files: map[string]string{"main.tf": deep}, want: "nesting exceeds the limit of 512 levels", where: "main.tf:2"},
		{name: "invalid for_each", files: map[string]string{"main.tf": "resource \"x_y\" \"a\" {\n  for_each = [\"a\"]\n}\n"},
			want: "must be a map, or set of strings", where: "main.tf:2"},
		{name: "bad tfvars type", files: map[string]string{"main.tf": "variable \"n\" {\n  type = number\n}\n", "terraform.tfvars": "n = \"many\"\n"},
			want: `invalid value for variable "n"`, where: "terraform.tfvars:1"},
		{name: "missing local module", files: map[string]string{"main.tf": "module \"m\" {\n  source = \"./nope\"\n}\n"},
			want: "does not exist", where: "main.tf:2"},
		{name: "invalid UTF-8", files: map[string]string{"main.tf": "locals {\n  a = \"\xff\"\n}\n"}, want: "invalid UTF-8", where: "main.tf:2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, src := range tt.files {
				write(t, dir, n, src)
			}
			_, err := Load(t.Context(), dir, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not say %q", err, tt.want)
			}
			var me *model.Error
			if !errors.As(err, &me) {
				t.Fatalf("error %T is not a *model.Error", err)
			}
			if loc := me.Error(); !strings.HasPrefix(loc, filepath.Join(dir, tt.where)) {
				t.Errorf("error %q is not located at %s", loc, tt.where)
			}
		})
	}
}

func TestFileSizeLimit(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", "# "+strings.Repeat("x", MaxFileBytes)+"\n")
	_, err := Load(t.Context(), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "over the limit of 8 MiB") {
		t.Fatalf("error %v", err)
	}
}

func TestIsModuleDir(t *testing.T) {
	for dir, want := range map[string]bool{"testdata/json": true, "testdata/s3split": true, "testdata": false, "testdata/nope": false} {
		if got := IsModuleDir(nil, dir); got != want {
			t.Errorf("IsModuleDir(%s) = %v", dir, got)
		}
	}
}

func TestEnvRegion(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", "provider \"aws\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n")
	m := load(t, dir, Options{Env: []string{"AWS_DEFAULT_REGION=eu-west-1", "AWS_REGION=eu-north-1"}})
	if r := find(t, m, "aws_s3_bucket.b"); r.Region != "eu-north-1" {
		t.Errorf("region %q", r.Region)
	}
}

// Override files are merged as Terraform merges them: arguments replace
// arguments, a nested block type replaces all blocks of that type, the
// lifecycle block merges argument by argument, locals and variables by name.
func TestOverrideFiles(t *testing.T) {
	m := load(t, "testdata/override", Options{})
	if len(m.Notes) != 1 || !strings.Contains(m.Notes[0], "override.tf.json: override file in JSON syntax not merged") {
		t.Errorf("notes %q", m.Notes)
	}
	sse := "rule[0].apply_server_side_encryption_by_default[0]."
	check(t, m, []expectation{
		{addr: "aws_s3_bucket.data", path: "bucket", value: "acme-data-prod", line: 3, file: "main_override.tf"},
		{addr: "aws_s3_bucket.data", path: "tags.team", value: "data", line: 16, file: "main.tf"},
		{addr: "aws_s3_bucket_server_side_encryption_configuration.data", path: sse + "sse_algorithm", value: "aws:kms", line: 16, file: "main_override.tf"},
		{addr: "aws_s3_bucket_server_side_encryption_configuration.data", path: sse + "kms_master_key_id", value: "alias/data"},
		{addr: "aws_security_group.web", path: "ingress[0].from_port", value: int64(443), line: 24, file: "main_override.tf"},
		{addr: "aws_security_group.web", path: "egress[0].to_port", value: int64(0)},
		{addr: "aws_s3_bucket.logs", path: "bucket", value: "acme-logs-eu-west-1"}, // local and variable overridden
	})
	if n := len(find(t, m, "aws_security_group.web").Attrs["ingress"].([]any)); n != 1 {
		t.Errorf("ingress blocks: %d, want 1 (the override replaces the dynamic block)", n)
	}
	lc := find(t, m, "aws_s3_bucket.data").Lifecycle
	want := &model.Lifecycle{IgnoreChanges: []string{"tags"}, PreventDestroy: true}
	if d := cmp.Diff(want, lc); d != "" {
		t.Errorf("lifecycle merged argument by argument (-want +got):\n%s", d)
	}
	if r := find(t, m, "aws_s3_bucket.logs"); r.Region != "eu-west-1" {
		t.Errorf("variable default override: region %q", r.Region)
	}
}

func TestOverrideWithoutBase(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n")
	write(t, dir, "main_override.tf", "resource \"aws_s3_bucket\" \"c\" {\n  bucket = \"c\"\n}\nlocals {\n  x = 1\n}\n")
	_, err := Load(t.Context(), dir, Options{})
	for _, want := range []string{
		`main_override.tf:1:1: override file has resource "aws_s3_bucket" "c", which no primary file declares`,
		`main_override.tf:5:3: override file defines local value "x", which no primary file defines`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %s", err, want)
		}
	}
}

// TestRefsThroughLocalsAndConditionals: a reference stays a reference
// through a local and the chosen branch of a known conditional, and is not
// one once a function transforms it.
func TestRefsThroughLocalsAndConditionals(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `
variable "use_cmk" {
  default = true
}
resource "aws_kms_key" "k" {
  for_each = toset(["logs"])
}
locals {
  key = aws_kms_key.k["logs"]
}
resource "aws_s3_bucket_server_side_encryption_configuration" "a" {
  bucket = "a"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.use_cmk ? local.key.arn : null
    }
  }
}
resource "aws_s3_bucket_policy" "p" {
  bucket = "a"
  policy = "${local.key.arn}/x"
}
`)
	m := load(t, dir, Options{})
	path := "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id"
	check(t, m, []expectation{
		{addr: "aws_s3_bucket_server_side_encryption_configuration.a", path: path,
			unknown: `aws_kms_key.k["logs"].arn is known only after apply`,
			ref:     &tfmap.Ref{Address: `aws_kms_key.k["logs"]`, Type: "aws_kms_key", Attribute: "arn"}},
		{addr: "aws_s3_bucket_policy.p", path: "policy", unknown: `aws_kms_key.k["logs"].arn is known only after apply`},
	})
	if ref, ok := find(t, m, "aws_s3_bucket_policy.p").Refs["policy"]; ok {
		t.Errorf("a template with more text is not a reference: %+v", ref)
	}
}

// Variable validation rules are checked as Terraform checks them: a value
// that fails is an error at the line that set it, with the rule's message.
func TestVariableValidation(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "variables.tf", `variable "environment" {
  type = string
  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod, not ${var.environment}."
  }
}

variable "token" {
  type      = string
  sensitive = true
  default   = "hunter2"
  validation {
    condition     = length(var.token) > 10
    error_message = "token ${var.token} is too short."
  }
}

variable "unknown_later" {
  type = string
  validation {
    condition     = startswith(var.unknown_later, "arn:")
    error_message = "must be an ARN."
  }
}

module "queue" {
  source    = "./queue"
  retention = 5
}
`)
	write(t, dir, "terraform.tfvars", "environment = \"qa\"\n")
	write(t, filepath.Join(dir, "queue"), "main.tf", `variable "retention" {
  type = number
  validation {
    condition     = var.retention >= 60
    error_message = "retention is at least 60 seconds."
  }
}
`)
	_, err := Load(t.Context(), dir, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`terraform.tfvars:1:15: invalid value for variable "environment": environment must be dev or prod, not qa. (validation rule at`,
		`variables.tf:12:15: invalid value for variable "token": the value does not pass the validation rule (its message is hidden: it uses a sensitive value)`,
		`variables.tf:29:15: invalid value for variable "retention": retention is at least 60 seconds.`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error\n%v\nwant %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "unknown_later") {
		t.Errorf("error shows a sensitive value or judges an unknown one:\n%v", err)
	}
}

// optional() defaults apply to objects that hold unknown values too (a
// module input built from another module's output), as in Terraform.
func TestOptionalDefaultsWithUnknownValues(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "mod"), "main.tf", `variable "entries" {
  type = map(object({
    principal_arn       = string
    type                = optional(string, "STANDARD")
    policy_associations = optional(map(string), {})
  }))
}

resource "aws_sqs_queue" "q" {
  for_each = { for k, v in var.entries : k => v if length(v.policy_associations) == 0 }
  name     = "${each.key}-${each.value.type}"
}
`)
	write(t, dir, "main.tf", `variable "arn" {
  type = string
}

module "m" {
  source  = "./mod"
  entries = { a = { principal_arn = var.arn } }
}
`)
	m := load(t, dir, Options{})
	if len(m.Notes) != 0 {
		t.Errorf("notes %q", m.Notes)
	}
	check(t, m, []expectation{
		{addr: `module.m.aws_sqs_queue.q["a"]`, path: "name", value: "a-STANDARD"},
	})
}

// An attribute the provider computes inside a nested block is unknown,
// not an error: vpc_config[0].cluster_security_group_id of an EKS cluster.
func TestComputedNestedAttribute(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `resource "aws_eks_cluster" "this" {
  count    = 1
  name     = "main"
  role_arn = "arn:aws:iam::111111111111:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_ec2_tag" "cluster_sg" {
  resource_id = aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id
  key         = "team"
  value       = "${aws_eks_cluster.this[0].name}-${length(aws_eks_cluster.this[0].vpc_config[0].subnet_ids)}"
}
`)
	m := load(t, dir, Options{})
	if len(m.Notes) != 0 {
		t.Errorf("notes %q", m.Notes)
	}
	check(t, m, []expectation{
		{addr: "aws_ec2_tag.cluster_sg", path: "resource_id", unknown: "aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id is known only after apply"},
		{addr: "aws_ec2_tag.cluster_sg", path: "value", value: "main-2"},
	})
}

// try() over a partly unknown value stays unknown with the reason, and a
// null passed to a non-nullable variable takes its default even when the
// null carries marks (a map converted to a variable's type, one of whose
// elements holds an unknown, as EKS node group maps do).
func TestTryKeepsReasonAndNonNullableDefault(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "mod"), "main.tf", `variable "ami_type" {
  type     = string
  default  = "AL2023_x86_64_STANDARD"
  nullable = false
}

resource "aws_launch_template" "this" {
  name = lower(var.ami_type)
}
`)
	write(t, filepath.Join(dir, "mid"), "main.tf", `variable "groups" {
  type = map(object({
    ami_type = optional(string)
    sg       = optional(string)
  }))
}

module "group" {
  source   = "../mod"
  for_each = var.groups
  ami_type = each.value.ami_type
}
`)
	write(t, dir, "main.tf", `data "http" "ip" {
  url = "https://checkip.amazonaws.com"
}

resource "aws_security_group" "x" {
  name = "x"
}

module "mid" {
  source = "./mid"
  groups = {
    a = {}
    b = { sg = aws_security_group.x.id }
  }
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each          = { ssh = { cidr_ipv4 = "${chomp(data.http.ip.response_body)}/32" } }
  security_group_id = "sg-0123"
  ip_protocol       = "tcp"
  cidr_ipv4         = try(each.value.cidr_ipv4, null)
}
`)
	m := load(t, dir, Options{})
	if len(m.Notes) != 0 {
		t.Errorf("notes %q", m.Notes)
	}
	check(t, m, []expectation{
		{addr: `module.mid.module.group["a"].aws_launch_template.this`, path: "name", value: "al2023_x86_64_standard"},
		{addr: `aws_vpc_security_group_ingress_rule.ssh["ssh"]`, path: "cidr_ipv4", unknown: "data.http.ip.response_body is read by the provider; not known statically"},
	})
}

// A managed resource's id and arn are unknown until apply but never null:
// a null check on them is decided (the common module pattern
// `var.kms_key_arn == null ? "AES256" : "aws:kms"`).
func TestIDAndARNAreNotNull(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `resource "aws_kms_key" "k" {}

data "aws_caller_identity" "me" {}

locals {
  key_arn = aws_kms_key.k.arn
}

resource "aws_sqs_queue" "q" {
  name             = local.key_arn == null ? "plain" : "encrypted"
  kms_data_key_reuse_period_seconds = aws_kms_key.k.key_id == null ? 60 : 300
  delay_seconds    = data.aws_caller_identity.me.id == null ? 1 : 2
}
`)
	m := load(t, dir, Options{})
	check(t, m, []expectation{
		{addr: "aws_sqs_queue.q", path: "name", value: "encrypted"},
		// other computed attributes and data sources may be null: unknown
		{addr: "aws_sqs_queue.q", path: "kms_data_key_reuse_period_seconds", unknown: "aws_kms_key.k.key_id is known only after apply"},
		{addr: "aws_sqs_queue.q", path: "delay_seconds", unknown: "data.aws_caller_identity.me.id is read by the provider; not known statically"},
	})
}

// The idioms for the one instance of a resource with count 0 or 1 are
// references: join("", x[*].id), one(x[*].id), element(x.*.id, 0),
// try(x[0].id, ""); with count not known they name the [*] instance.
func TestSingleInstanceIdioms(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `variable "enabled" {
  type = bool
}

resource "aws_s3_bucket" "known" {
  count  = 1
  bucket = "known"
}

resource "aws_s3_bucket" "maybe" {
  count  = var.enabled ? 1 : 0
  bucket = "maybe"
}

locals {
  known_id = join("", aws_s3_bucket.known[*].id)
  maybe_id = one(aws_s3_bucket.maybe[*].id)
}

resource "aws_s3_bucket_versioning" "known" {
  bucket = local.known_id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_versioning" "maybe" {
  bucket = local.maybe_id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "maybe" {
  bucket                  = try(aws_s3_bucket.maybe[0].id, "")
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "known" {
  bucket = element(aws_s3_bucket.known.*.id, 0)
  policy = "{}"
}
`)
	m := load(t, dir, Options{})
	known := &tfmap.Ref{Address: "aws_s3_bucket.known[0]", Type: "aws_s3_bucket", Attribute: "id"}
	maybe := &tfmap.Ref{Address: "aws_s3_bucket.maybe[*]", Type: "aws_s3_bucket", Attribute: "id"}
	for addr, want := range map[string]*tfmap.Ref{
		"aws_s3_bucket_versioning.known":          known,
		"aws_s3_bucket_versioning.maybe":          maybe,
		"aws_s3_bucket_public_access_block.maybe": maybe,
		"aws_s3_bucket_policy.known":              known,
	} {
		if got := find(t, m, addr).Refs["bucket"]; got != *want {
			t.Errorf("%s: bucket ref %+v, want %+v", addr, got, *want)
		}
	}
}

// A value a module gets through a variable remembers where the root
// module sets it, down to the entry of a literal map, through a module
// that passes it on, and through each.value of a for_each over a variable.
func TestModuleInputOrigins(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "modules", "sg"), "main.tf", `variable "rules" {
  type = map(object({ cidr = string, port = number }))
}

variable "name" {
  type = string
}

resource "aws_security_group" "this" {
  name = var.name
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each          = var.rules
  security_group_id = aws_security_group.this.id
  ip_protocol       = "tcp"
  cidr_ipv4         = each.value.cidr
  from_port         = each.value.port
  to_port           = each.value.port
}
`)
	write(t, filepath.Join(dir, "modules", "wrapper"), "main.tf", `variable "rules" {
  type = any
}

module "sg" {
  source = "../sg"
  name   = "wrapped"
  rules  = var.rules
}
`)
	write(t, dir, "main.tf", `module "web" {
  source = "./modules/wrapper"
  rules = {
    https = {
      cidr = "0.0.0.0/0"
      port = 443
    }
  }
}
`)
	m := load(t, dir, Options{})
	for _, tt := range []struct {
		addr, path string
		line       int
	}{
		{`module.web.module.sg.aws_vpc_security_group_ingress_rule.this["https"]`, "cidr_ipv4", 5},
		{`module.web.module.sg.aws_vpc_security_group_ingress_rule.this["https"]`, "from_port", 6},
	} {
		in, ok := find(t, m, tt.addr).Inputs[tt.path]
		if !ok || in.Start.Line != tt.line || filepath.Base(in.Filename) != "main.tf" || strings.Contains(in.Filename, "modules") {
			t.Errorf("%s %s: input %+v, want main.tf:%d", tt.addr, tt.path, in, tt.line)
		}
	}
	// name is set by the wrapper module itself, a literal there
	if in := find(t, m, "module.web.module.sg.aws_security_group.this").Inputs["name"]; !strings.Contains(filepath.ToSlash(in.Filename), "modules/wrapper") || in.Start.Line != 7 {
		t.Errorf("name input %+v", in)
	}
}

// A module input set from a root variable: the root sets it through its own
// variables (tfvars), so the origin is the module input itself.
func TestModuleInputFromRootVariable(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "mod"), "main.tf", "variable \"name\" {\n  type = string\n}\nresource \"aws_sqs_queue\" \"q\" {\n  name = var.name\n}\n")
	write(t, dir, "main.tf", "variable \"x\" {\n  default = \"from-root\"\n}\nmodule \"m\" {\n  source = \"./mod\"\n  name   = var.x\n}\n")
	m := load(t, dir, Options{})
	if in := find(t, m, "module.m.aws_sqs_queue.q").Inputs["name"]; in.Start.Line != 6 {
		t.Errorf("input %+v, want main.tf:6", in)
	}
}

// A root value set in a variables file remembers its line there, down to
// the entry of a map, also when it reaches a module through each.value of
// the module block's for_each.
func TestVariablesFileOrigins(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "mod"), "main.tf", "variable \"versioning\" {\n  type = bool\n}\nresource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = \"b\"\n  versioning_configuration {\n    status = var.versioning ? \"Enabled\" : \"Suspended\"\n  }\n}\n")
	write(t, dir, "main.tf", `variable "algorithm" {
  type = string
}

variable "zones" {
  type = map(object({ versioning = bool }))
}

resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  bucket = "b"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.algorithm
    }
  }
}

module "zone" {
  source     = "./mod"
  for_each   = var.zones
  versioning = each.value.versioning
}
`)
	write(t, dir, "terraform.tfvars", "algorithm = \"AES256\"\nzones = {\n  raw     = { versioning = true }\n  scratch = { versioning = false }\n}\n")
	m := load(t, dir, Options{})
	for _, tt := range []struct {
		addr, path string
		line, col  int
	}{
		{"aws_s3_bucket_server_side_encryption_configuration.e", "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm", 1, 13},
		{`module.zone["scratch"].aws_s3_bucket_versioning.v`, "versioning_configuration[0].status", 4, 15},
	} {
		in := find(t, m, tt.addr).Inputs[tt.path]
		if filepath.Base(in.Filename) != "terraform.tfvars" || in.Start.Line != tt.line || in.Start.Column != tt.col {
			t.Errorf("%s %s: origin %+v, want terraform.tfvars:%d:%d", tt.addr, tt.path, in, tt.line, tt.col)
		}
	}
}

// A value from a dynamic block's iterator is set where the element of its
// for_each is: here the entry of a list literal in the root's module block.
func TestDynamicIteratorOrigin(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "mod"), "main.tf", `variable "rules" {
  type = list(object({ cidr = string, port = number }))
}

resource "aws_security_group" "this" {
  name = "x"
  dynamic "ingress" {
    for_each = var.rules
    content {
      cidr_blocks = [ingress.value.cidr]
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
    }
  }
}
`)
	write(t, dir, "main.tf", `module "sg" {
  source = "./mod"
  rules = [
    { cidr = "10.0.0.0/8", port = 22 },
    {
      cidr = "0.0.0.0/0"
      port = 443
    },
  ]
}
`)
	m := load(t, dir, Options{})
	r := find(t, m, "module.sg.aws_security_group.this")
	for path, line := range map[string]int{"ingress[1].cidr_blocks": 6, "ingress[1].from_port": 7, "ingress[0].from_port": 4} {
		if in := r.Inputs[path]; in.Start.Line != line || filepath.Base(in.Filename) != "main.tf" || strings.Contains(filepath.ToSlash(in.Filename), "/mod/") {
			t.Errorf("%s: origin %+v, want main.tf:%d", path, in, line)
		}
	}
}

// An overlay (an editor's unsaved buffers) replaces files on disk and adds
// files that are not saved yet, variables files included.
func TestOverlay(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", "variable \"name\" {\n  type = string\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"on-disk\"\n}\n")
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := load(t, dir, Options{FS: vfs.WithOverlay(vfs.OS(MaxFileBytes), map[string][]byte{
		filepath.Join(abs, "main.tf"):          []byte("variable \"name\" {\n  type = string\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.name\n}\n"),
		filepath.Join(abs, "unsaved.tf"):       []byte("resource \"aws_sqs_queue\" \"q\" {\n  name = \"new\"\n}\n"),
		filepath.Join(abs, "terraform.tfvars"): []byte("name = \"from-buffer\"\n"),
		filepath.Join(abs, "policy.json"):      []byte(`{"Version": "2012-10-17"}`),
		filepath.Join(abs, "policy.tf"):        []byte("resource \"aws_iam_policy\" \"p\" {\n  policy = file(\"${path.module}/policy.json\")\n}\n"),
	})})
	check(t, m, []expectation{
		{addr: "aws_s3_bucket.b", path: "bucket", value: "from-buffer", line: 5, file: "main.tf"},
		{addr: "aws_sqs_queue.q", path: "name", value: "new", line: 2, file: "unsaved.tf"},
		{addr: "aws_iam_policy.p", path: "policy", value: `{"Version": "2012-10-17"}`},
	})
	if string(m.Files[filepath.Join(dir, "main.tf")]) == "" || !strings.Contains(string(m.Files[filepath.Join(dir, "main.tf")]), "var.name") {
		t.Errorf("Files does not hold the overlay's main.tf: %q", m.Files[filepath.Join(dir, "main.tf")])
	}
}

// var.rules[count.index] names the element of the input list it reads.
func TestCountIndexedInputOrigin(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "mod"), "main.tf", `variable "rules" {
  type = list(map(string))
}

resource "aws_security_group_rule" "this" {
  count             = length(var.rules)
  type              = "ingress"
  security_group_id = "sg-1"
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = split(",", lookup(var.rules[count.index], "cidr_blocks", ""))
  description       = var.rules[count.index].description
}
`)
	write(t, dir, "main.tf", `module "sg" {
  source = "./mod"
  rules = [
    { cidr_blocks = "10.0.0.0/8", description = "internal" },
    {
      cidr_blocks = "0.0.0.0/0"
      description = "world"
    },
  ]
}
`)
	m := load(t, dir, Options{})
	r := find(t, m, "module.sg.aws_security_group_rule.this[1]")
	for path, line := range map[string]int{"cidr_blocks": 5, "description": 7} {
		if in := r.Inputs[path]; in.Start.Line != line || filepath.Base(in.Filename) != "main.tf" {
			t.Errorf("%s: origin %+v, want main.tf:%d", path, in, line)
		}
	}
}

// A function whose argument is unknown gives an unknown that keeps the
// argument's reason, also when cty would drop it (element over a module
// output that is not known).
func TestFunctionResultsKeepReasons(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}

resource "aws_vpc_security_group_ingress_rule" "a" {
  security_group_id = "sg-1"
  ip_protocol       = "tcp"
  cidr_ipv4         = element(module.vpc.private_subnets_cidr_blocks, 0)
  description       = join(",", ["a", "b"])
}
`)
	m := load(t, dir, Options{})
	check(t, m, []expectation{
		{addr: "aws_vpc_security_group_ingress_rule.a", path: "cidr_ipv4", unknown: "module.vpc (source terraform-aws-modules/vpc/aws) is not scanned; its outputs are unknown"},
		{addr: "aws_vpc_security_group_ingress_rule.a", path: "description", value: "a,b"},
	})
}

// LocalModuleSources lists the literal local sources of a directory's
// module blocks, in native and JSON syntax; other sources and files that
// do not parse are left out.
func TestLocalModuleSources(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", "module \"a\" {\n  source = \"./modules/a\"\n}\nmodule \"reg\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n")
	write(t, dir, "more.tf.json", `{"module": {"b": {"source": "../shared/b"}}}`)
	write(t, dir, "broken.tf", "module \"c\" {\n  source = \n")
	got := LocalModuleSources(nil, dir)
	sort.Strings(got)
	if d := cmp.Diff([]string{"../shared/b", "./modules/a"}, got); d != "" {
		t.Errorf("sources (-want +got):\n%s", d)
	}
	if got := LocalModuleSources(nil, filepath.Join(dir, "missing")); got != nil {
		t.Errorf("missing directory: %v", got)
	}
}

// An attribute read from an instance that an index expression selects
// (aws_s3_bucket.many[count.index].arn) is what the instance has; the
// same index over a resource without count or for_each selects an
// attribute of its object by name, any one the module reads.
func TestIndexedResourceAttribute(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `variable "k" {
  default = "bucket_domain_name"
}

resource "aws_s3_bucket" "one" {
  bucket = "one"
}

resource "aws_s3_bucket" "many" {
  count  = 2
  bucket = "many-${count.index}"
}

resource "aws_s3_bucket_policy" "p" {
  count  = 2
  bucket = aws_s3_bucket.many[count.index].bucket
  policy = aws_s3_bucket.many[count.index].arn
}

resource "aws_ssm_parameter" "s" {
  name  = aws_s3_bucket.one.bucket_domain_name
  value = aws_s3_bucket.one[var.k].id
}
`)
	m := load(t, dir, Options{})
	check(t, m, []expectation{
		{addr: "aws_s3_bucket_policy.p[1]", path: "bucket", value: "many-1"},
		{addr: "aws_s3_bucket_policy.p[1]", path: "policy", unknown: "aws_s3_bucket.many[1].arn is known only after apply"},
		{addr: "aws_ssm_parameter.s", path: "value", unknown: "aws_s3_bucket.one.bucket_domain_name is known only after apply"},
	})
}
