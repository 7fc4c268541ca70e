package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestHostile runs the CLI on hostile input (testdata/hostile, and cases
// the test builds: device links, a named pipe, an oversize file, deep
// nesting). Each must end with its exit code and an error naming the file
// and position. No case has a time limit: the test finishes because the
// loaders' limits hold (a broken limit shows as a hang or an out-of-memory
// crash here, not as a flaky timing).
func TestHostile(t *testing.T) {
	abs := func(p string) string {
		a, err := filepath.Abs(filepath.Join(repoRoot, p))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	write := func(t *testing.T, path string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(t *testing.T, target, name string) {
		t.Helper()
		if err := os.Symlink(target, name); err != nil {
			t.Skipf("symbolic links: %v", err)
		}
	}
	copyFile := func(t *testing.T, from, to string) {
		t.Helper()
		src, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		write(t, to, src)
	}
	const h = "testdata/hostile/"
	tests := []struct {
		name string
		// setup prepares a case in dir (a fresh temporary directory) and
		// returns the arguments after "scan --color never"; nil uses args.
		setup    func(t *testing.T, dir string) []string
		args     []string
		code     int
		want     []string // in stdout or stderr
		wantNone []string
	}{
		{name: "YAML alias bomb", args: []string{h + "alias-bomb"}, code: exitError,
			want: []string{h + "alias-bomb/template.yaml:6:16: YAML alias *a0: CloudFormation does not support YAML anchors and aliases"}},
		{name: "10,000-deep nesting in HCL", code: exitError,
			setup: func(t *testing.T, dir string) []string {
				write(t, filepath.Join(dir, "main.tf"), []byte("locals {\n  x = "+strings.Repeat("[", 10000)+strings.Repeat("]", 10000)+"\n}\n"))
				return []string{dir}
			},
			want: []string{"main.tf:2:", "expression nesting exceeds the limit of 512 levels"}},
		{name: "10,000-deep nesting in a template", code: exitError,
			setup: func(t *testing.T, dir string) []string {
				write(t, filepath.Join(dir, "t.json"), []byte(`{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"X": `+strings.Repeat("[", 10000)+strings.Repeat("]", 10000)+"}}}}\n"))
				return []string{dir}
			},
			want: []string{"t.json:1:"}},
		{name: "oversize template", code: exitError,
			setup: func(t *testing.T, dir string) []string {
				var b bytes.Buffer
				b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Metadata:\n      Note: |\n")
				for b.Len() < 17<<20 { // over scanner.DefaultMaxFileBytes
					b.WriteString("      " + strings.Repeat("x", 100) + "\n")
				}
				write(t, filepath.Join(dir, "big.yaml"), b.Bytes())
				return []string{dir}
			},
			want: []string{"big.yaml: file is ", "over the 16777216 byte limit for a template"}},
		{name: "invalid UTF-8", args: []string{h + "invalid-utf8"}, code: exitError,
			want: []string{h + "invalid-utf8/main.tf:2:16: invalid UTF-8 byte 0xe9"}},
		{name: "locals cycle", args: []string{h + "locals-cycle"}, code: exitError,
			want: []string{h + "locals-cycle/main.tf:2:3: cycle: local.a -> local.b -> local.a"}},
		{name: "self-calling module", args: []string{h + "self-module"}, code: exitError,
			want: []string{h + "self-module/loop/main.tf:3:12: module \"again\" calls", "a module must not call itself"}},
		{name: "count = 1e9 in 49 module instances", args: []string{h + "count-in-module"}, code: exitError,
			want:     []string{h + "count-in-module/mod/main.tf:2:11: count of module.m[0].aws_s3_bucket.b creates 1000000000 instances", "(and 48 more times, in other instances)"},
			wantNone: []string{"module.m[1].aws_s3_bucket.b"}},
		{name: "join grown three times", args: []string{h + "join-blowup"}, code: exitError,
			want: []string{h + "join-blowup/main.tf:6:27: evaluating this expression produces more than 64 MiB"}},
		{name: "nested for over 1e10 iterations", args: []string{h + "nested-for"}, code: exitError,
			want: []string{h + "nested-for/main.tf:4:37: for expressions iterate more than 1000000 times"}},
		{name: "templates doubling", args: []string{h + "template-doubling"}, code: exitError,
			want: []string{h + "template-doubling/main.tf:10:11: this value is larger than 16 MiB"}},
		{name: "main.tf a link to /dev/zero", code: exitError,
			setup: func(t *testing.T, dir string) []string {
				link(t, "/dev/zero", filepath.Join(dir, "main.tf"))
				return []string{dir}
			},
			want: []string{"main.tf: cannot read: not a regular file (a character device)"}},
		{name: "a named pipe in the tree", code: exitError,
			setup: func(t *testing.T, dir string) []string {
				copyFile(t, abs(h+"symlinked-module/shared/main.tf"), filepath.Join(dir, "main.tf"))
				if err := syscall.Mkfifo(filepath.Join(dir, "pipe.tf"), 0o644); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
				return []string{dir}
			},
			want: []string{"pipe.tf: cannot read: not a regular file (a named pipe)"}},
		{name: "stackgate.yaml a link to /dev/zero", code: exitError,
			setup: func(t *testing.T, dir string) []string {
				copyFile(t, abs(h+"symlinked-module/shared/main.tf"), filepath.Join(dir, "main.tf"))
				link(t, "/dev/zero", filepath.Join(dir, "stackgate.yaml"))
				return []string{dir}
			},
			want: []string{"stackgate.yaml: cannot read config: not a regular file (a character device)"}},
		{name: "scan /dev/zero", args: []string{"/dev/zero"}, code: exitError,
			want: []string{"/dev/zero: not a regular file (a character device)"}},
		{name: "terraform.tfvars a link", code: exitBlocking,
			setup: func(t *testing.T, dir string) []string {
				copyFile(t, abs(h+"symlinked-tfvars/main.tf"), filepath.Join(dir, "main.tf"))
				link(t, abs(h+"symlinked-tfvars/values/suspended.tfvars"), filepath.Join(dir, "terraform.tfvars"))
				return []string{dir}
			},
			want: []string{"s3-versioning", "has versioning Suspended", "terraform.tfvars:1:10"}},
		{name: "module directory a link", code: exitBlocking,
			setup: func(t *testing.T, dir string) []string {
				copyFile(t, abs(h+"symlinked-module/main.tf"), filepath.Join(dir, "main.tf"))
				link(t, abs(h+"symlinked-module/shared"), filepath.Join(dir, "mod"))
				return []string{dir}
			},
			want: []string{"module.m.aws_s3_bucket.linked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.setup != nil {
				args = tt.setup(t, t.TempDir())
			}
			code, stdout, stderr := runCLI(t, append([]string{"scan", "--color", "never"}, args...)...)
			out := stdout + stderr
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}
