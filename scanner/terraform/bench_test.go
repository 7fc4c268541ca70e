package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLargeModule writes a root module with buckets split into their
// satellite resources, security groups with dynamic blocks, for_each over a
// map, and several local modules called with count and for_each.
func writeLargeModule(tb testing.TB, dir string, n int) {
	tb.Helper()
	var b strings.Builder
	b.WriteString(`variable "env" {
  default = "prod"
}
locals {
  tags  = { env = var.env, team = "platform" }
  zones = { for i in range(20) : "zone${i}" => { tier = i % 2 == 0 ? "hot" : "cold" } }
}
resource "aws_kms_key" "data" {
  enable_key_rotation = true
}
resource "aws_s3_bucket" "zone" {
  for_each = local.zones
  bucket   = "lake-${each.key}"
  tags     = merge(local.tags, { tier = each.value.tier })
}
resource "aws_s3_bucket_versioning" "zone" {
  for_each = aws_s3_bucket.zone
  bucket   = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}
`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `
resource "aws_s3_bucket" "b%[1]d" {
  bucket = "bucket-%[1]d-${var.env}"
  tags   = merge(local.tags, { index = "%[1]d" })
}
resource "aws_s3_bucket_server_side_encryption_configuration" "b%[1]d" {
  bucket = aws_s3_bucket.b%[1]d.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}
resource "aws_s3_bucket_public_access_block" "b%[1]d" {
  bucket                  = aws_s3_bucket.b%[1]d.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_security_group" "sg%[1]d" {
  name = "sg-%[1]d"
  dynamic "ingress" {
    for_each = [80, 443, 8080]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [cidrsubnet("10.0.0.0/8", 8, %[1]d)]
    }
  }
}
`, i)
	}
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, `
module "svc%[1]d" {
  source   = "./modules/svc"
  for_each = toset(["a", "b", "c"])
  name     = "svc%[1]d-${each.key}"
  key_arn  = aws_kms_key.data.arn
}
`, i)
	}
	write(tb, dir, "main.tf", b.String())
	write(tb, dir, "modules/svc/main.tf", `
variable "name" {}
variable "key_arn" {}
resource "aws_s3_bucket" "this" {
  bucket = var.name
}
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.key_arn
    }
  }
}
resource "aws_instance" "web" {
  count         = 2
  ami           = "ami-123"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}
`)
}

// BenchmarkLoad evaluates a generated root module of about a thousand
// resource instances and reports resources per second. Files stay in the
// parse and module caches between iterations, as in a language server
// re-evaluating after an edit elsewhere; BenchmarkLoadCold empties them.
func BenchmarkLoad(b *testing.B) { benchmarkLoad(b, false) }

// BenchmarkLoadCold is BenchmarkLoad with every file parsed and decoded
// anew, as in one CI run.
func BenchmarkLoadCold(b *testing.B) { benchmarkLoad(b, true) }

func benchmarkLoad(b *testing.B, cold bool) {
	dir := b.TempDir()
	writeLargeModule(b, dir, 200)
	if _, err := os.Stat(filepath.Join(dir, "main.tf")); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	resources := 0
	for b.Loop() {
		if cold {
			parseCache.clear()
			configCache.clear()
		}
		m, err := Load(b.Context(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		resources = len(m.Resources)
	}
	b.ReportMetric(float64(resources)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
	b.ReportMetric(float64(resources), "resources")
}
