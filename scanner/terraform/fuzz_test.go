package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzLoad loads arbitrary input as the main.tf of a root module. Loading
// must return resources or an error, never panic or run away; the seeds
// are the realistic test cases and the corpus in testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	for _, c := range []string{"s3split/main.tf", "modules/main.tf", "dynamic_sg/main.tf", "functions/main.tf", "modules/modules/bucket/main.tf"} {
		src, err := os.ReadFile(filepath.Join("testdata", c))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	// A root that calls the fixed local module below, so mutations reach
	// module inputs, for_each over them and values passed through.
	f.Add(`module "m" {
  source = "./mod"
  name   = "x"
  rules  = { ssh = { cidr = "10.0.0.0/8", port = 22 } }
}
module "n" {
  source   = "./mod"
  for_each = toset(["a", "b"])
  name     = each.key
  rules    = {}
}
`)
	f.Add(`variable "x" {
  default = "from-root"
}
module "m" {
  source = "./mod"
  name   = var.x
}
`)
	f.Fuzz(func(t *testing.T, src string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(dir, "mod"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "mod", "main.tf"), []byte(fuzzModule), 0o644); err != nil {
			t.Fatal(err)
		}
		type result struct {
			m   *Module
			err error
		}
		done := make(chan result, 1)
		go func() {
			m, err := Load(t.Context(), dir, Options{MaxInstances: 100, MaxTotalInstances: 1000})
			done <- result{m, err}
		}()
		var m *Module
		var err error
		select {
		case r := <-done:
			m, err = r.m, r.err
		case <-time.After(10 * time.Second):
			t.Fatalf("Load ran for more than 10s on %q", src)
		}
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("panic while loading: %v", err)
			}
			return
		}
		for _, r := range m.Resources {
			if r.Address == "" || r.Type == "" {
				t.Fatalf("resource without address or type: %+v", r)
			}
		}
	})
}

// fuzzModule is the local module fuzzed roots may call.
const fuzzModule = `variable "name" {
  type = string
}
variable "rules" {
  type    = any
  default = {}
}
resource "aws_security_group" "this" {
  name = var.name
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
resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each          = var.rules
  security_group_id = aws_security_group.this.id
  cidr_ipv4         = each.value.cidr
  from_port         = try(each.value.port, null)
  ip_protocol       = "tcp"
}
output "id" {
  value = aws_security_group.this.id
}
`
