package terraform

import (
	"path/filepath"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/tfmap"
)

// Every resource carries the region of the provider configuration it
// uses (through provider = aws.x and a module's providers map) into the
// model; a region that cannot be evaluated is unknown with the reason.
func TestProviderRegionIsCarried(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `variable "region" {
  type = string
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "gov"
  region = "us-gov-west-1"
}

provider "aws" {
  alias  = "eu"
  region = var.region
}

provider "aws" {
  alias  = "env"
  region = null
}

resource "aws_s3_bucket" "default" {
  bucket = "a"
}

resource "aws_s3_bucket" "gov" {
  provider = aws.gov
  bucket   = "b"
}

resource "aws_s3_bucket" "eu" {
  provider = aws.eu
  bucket   = "c"
}

resource "aws_s3_bucket" "env" {
  provider = aws.env
  bucket   = "d"
}

resource "awscc_s3_bucket" "cc" {
  bucket_name = "e"
}

resource "random_id" "r" {
  byte_length = 8
}

resource "aws_s3_bucket" "own" {
  bucket = "f"
  region = "eu-central-1"
}

module "store" {
  source    = "./store"
  providers = { aws = aws.gov }
}
`)
	write(t, filepath.Join(dir, "store"), "main.tf", `resource "aws_kms_key" "k" {
  description = "key"
}
`)
	m := load(t, dir, Options{Env: []string{"AWS_REGION=eu-west-1"}})
	want := map[string]struct{ region, unknown string }{
		"aws_s3_bucket.default":      {region: "us-east-1"},
		"aws_s3_bucket.gov":          {region: "us-gov-west-1"},
		"aws_s3_bucket.eu":           {unknown: "the region of provider aws.eu is not known statically (var.region has no value)"},
		"aws_s3_bucket.env":          {region: "eu-west-1"}, // region = null: the environment's
		"awscc_s3_bucket.cc":         {region: "eu-west-1"}, // no awscc provider block: the environment's
		"random_id.r":                {},
		"aws_s3_bucket.own":          {region: "us-east-1"}, // the provider's; the mapping reads the resource's own
		"module.store.aws_kms_key.k": {region: "us-gov-west-1"},
	}
	for addr, w := range want {
		r := find(t, m, addr)
		if r.Region != w.region || r.RegionUnknown != w.unknown {
			t.Errorf("%s: region %q, unknown %q; want %q, %q", addr, r.Region, r.RegionUnknown, w.region, w.unknown)
		}
	}

	rs, _ := tfmap.Map(m.Resources, model.LayerTerraform)
	got := map[string]model.Resource{}
	for _, r := range rs {
		got[r.Address] = r
	}
	for addr, w := range want {
		if addr == "aws_s3_bucket.own" {
			w.region = "eu-central-1" // aws provider 6: the resource's own region argument
		}
		if r := got[addr]; r.Region != w.region || r.RegionUnknown != w.unknown {
			t.Errorf("model %s: region %q, unknown %q; want %q, %q", addr, r.Region, r.RegionUnknown, w.region, w.unknown)
		}
	}
	if rng := got["aws_s3_bucket.own"].Origin.RangeFor("region"); rng.Start.Line != 53 {
		t.Errorf("a resource's own region points at its argument: %+v", rng)
	}

	// Without a region anywhere, the region is not known here: no reason.
	dir2 := t.TempDir()
	write(t, dir2, "main.tf", "provider \"aws\" {}\n\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n")
	if r := find(t, load(t, dir2, Options{}), "aws_s3_bucket.b"); r.Region != "" || r.RegionUnknown != "" {
		t.Errorf("no region: %q, %q", r.Region, r.RegionUnknown)
	}
}
