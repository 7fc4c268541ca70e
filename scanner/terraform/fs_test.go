package terraform

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/stackgate/stackgate/scanner/vfs"
)

// overlayFS is the disk with buffers, by paths relative to dir.
func overlayFS(t *testing.T, dir string, buffers map[string]string) vfs.FS {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for name, src := range buffers {
		files[filepath.Join(abs, filepath.FromSlash(name))] = []byte(src)
	}
	return vfs.WithOverlay(vfs.OS(MaxFileBytes), files)
}

// Everything the loader reads sees the editor's unsaved buffers: the file
// functions, module directories that exist only in the editor,
// modules.json and variables files.
func TestFSOverlay(t *testing.T) {
	tests := []struct {
		name    string
		disk    map[string]string
		buffers map[string]string
		want    []expectation
	}{
		{
			name: "file functions",
			disk: map[string]string{
				"main.tf": `resource "aws_s3_bucket" "b" {
  bucket = fileexists("${path.module}/name.txt") ? file("${path.module}/name.txt") : "none"
  tags = {
    files    = join(",", fileset(path.module, "conf/*.json"))
    rendered = templatefile("${path.module}/t.tftpl", { env = "prod" })
    saved    = fileexists("${path.module}/saved.txt")
    missing  = fileexists("${path.module}/missing.txt")
  }
}
`,
				"saved.txt":      "on disk",
				"conf/disk.json": "{}",
			},
			buffers: map[string]string{
				"name.txt":         "from-buffer",
				"conf/buffer.json": "{}",
				"t.tftpl":          "env=${env}",
			},
			want: []expectation{
				{addr: "aws_s3_bucket.b", path: "bucket", value: "from-buffer"},
				{addr: "aws_s3_bucket.b", path: "tags.files", value: "conf/buffer.json,conf/disk.json"},
				{addr: "aws_s3_bucket.b", path: "tags.rendered", value: "env=prod"},
				{addr: "aws_s3_bucket.b", path: "tags.saved", value: true},
				{addr: "aws_s3_bucket.b", path: "tags.missing", value: false},
			},
		},
		{
			name: "buffer replaces a file the functions read",
			disk: map[string]string{
				"main.tf":  `resource "aws_s3_bucket" "b" { bucket = file("name.txt") }`,
				"name.txt": "on-disk",
			},
			buffers: map[string]string{"name.txt": "edited"},
			want:    []expectation{{addr: "aws_s3_bucket.b", path: "bucket", value: "edited"}},
		},
		{
			name: "local module only in the overlay",
			disk: map[string]string{
				"main.tf": "module \"x\" {\n  source = \"./x\"\n  name   = \"m\"\n}\n",
			},
			buffers: map[string]string{
				"x/main.tf":    "variable \"name\" {}\nresource \"aws_sqs_queue\" \"q\" {\n  name = \"${var.name}-${file(\"${path.module}/suffix.txt\")}\"\n}\n",
				"x/suffix.txt": "q",
			},
			want: []expectation{{addr: "module.x.aws_sqs_queue.q", path: "name", value: "m-q", line: 3, file: "main.tf"}},
		},
		{
			name: "modules.json from the overlay",
			disk: map[string]string{
				"main.tf": "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n",
			},
			buffers: map[string]string{
				".terraform/modules/modules.json": `{"Modules":[{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Dir":".terraform/modules/vpc"}]}`,
				".terraform/modules/vpc/main.tf":  `resource "aws_vpc" "this" { cidr_block = "10.0.0.0/16" }`,
			},
			want: []expectation{{addr: "module.vpc.aws_vpc.this", path: "cidr_block", value: "10.0.0.0/16"}},
		},
		{
			name: "tfvars buffer changes a value",
			disk: map[string]string{
				"main.tf":          "variable \"env\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.env\n}\n",
				"terraform.tfvars": `env = "saved"`,
			},
			buffers: map[string]string{"terraform.tfvars": `env = "unsaved"`},
			want:    []expectation{{addr: "aws_s3_bucket.b", path: "bucket", value: "unsaved"}},
		},
		{
			name: "auto.tfvars only in the overlay",
			disk: map[string]string{
				"main.tf": "variable \"env\" {\n  default = \"default\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.env\n}\n",
			},
			buffers: map[string]string{"dev.auto.tfvars": `env = "auto"`},
			want:    []expectation{{addr: "aws_s3_bucket.b", path: "bucket", value: "auto"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, src := range tt.disk {
				write(t, dir, name, src)
			}
			m := load(t, dir, Options{FS: overlayFS(t, dir, tt.buffers)})
			check(t, m, tt.want)
		})
	}
}

// fileset on a path outside the module is unknown with the reason, as
// file is, not an empty set that would pass a rule silently.
func TestFilesetOutsideModule(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `resource "aws_s3_bucket" "b" {
  tags = {
    outside = join(",", fileset("/etc", "*"))
    up      = join(",", fileset("${path.module}/..", "*"))
    missing = join(",", fileset("${path.module}/nope", "*"))
  }
}
`)
	m := load(t, dir, Options{})
	r := find(t, m, "aws_s3_bucket.b")
	for _, path := range []string{"tags.outside", "tags.up"} {
		if reason := r.Unknown[path]; !strings.Contains(reason, "is outside the module directory; stackgate does not read it") {
			t.Errorf("%s: unknown reason %q", path, reason)
		}
	}
	check(t, m, []expectation{{addr: "aws_s3_bucket.b", path: "tags.missing", value: ""}})
}

// A symbolic link inside the module does not lead the file functions out
// of it, and a special file is refused, not read.
func TestFileFunctionsRefuse(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write(t, outside, "secret.txt", "secret")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.txt")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "main.tf", `resource "aws_s3_bucket" "b" {
  tags = {
    link = file("link.txt")
    zero = filebase64("zero.txt")
    pipe = filebase64("pipe.txt")
  }
}
`)
	r := find(t, load(t, dir, Options{}), "aws_s3_bucket.b")
	if reason := r.Unknown["tags.link"]; !strings.Contains(reason, "outside the module directory") {
		t.Errorf("link: %q", reason)
	}
	if reason := r.Unknown["tags.zero"]; !strings.Contains(reason, "outside the module directory") {
		t.Errorf("zero: %q", reason)
	}
	if reason := r.Unknown["tags.pipe"]; !strings.Contains(reason, `"pipe.txt": not a regular file (a named pipe)`) {
		t.Errorf("pipe: %q", reason)
	}
	// A variables file that is a named pipe is an error, not a hang.
	_, err := Load(t.Context(), dir, Options{VarFiles: []string{filepath.Join(dir, "pipe.txt")}})
	if err == nil || !strings.Contains(err.Error(), "pipe.txt: cannot read: not a regular file (a named pipe)") {
		t.Errorf("var file: %v", err)
	}
}

// IsModuleDir and LocalModuleSources see buffers too.
func TestModuleDirOverlay(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "README.md", "not a module yet")
	fsys := overlayFS(t, dir, map[string]string{
		"main.tf":          "module \"a\" {\n  source = \"./a\"\n}\n",
		"a/main.tf":        "",
		"new/variables.tf": "",
	})
	if IsModuleDir(nil, dir) {
		t.Errorf("IsModuleDir(disk) = true")
	}
	for _, d := range []string{dir, filepath.Join(dir, "a"), filepath.Join(dir, "new")} {
		if !IsModuleDir(fsys, d) {
			t.Errorf("IsModuleDir(overlay, %s) = false", d)
		}
	}
	if got := LocalModuleSources(fsys, dir); !slices.Equal(got, []string{"./a"}) {
		t.Errorf("LocalModuleSources = %v", got)
	}
	if got := LocalModuleSources(nil, dir); got != nil {
		t.Errorf("LocalModuleSources(disk) = %v", got)
	}
}
