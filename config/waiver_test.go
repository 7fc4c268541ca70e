package config

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWaiverExpired(t *testing.T) {
	w := Waiver{Expires: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		now  string
		want bool
	}{
		{"2027-03-30T12:00:00Z", false},
		{"2027-03-31T00:00:00Z", false},
		{"2027-03-31T23:59:59Z", false}, // valid through the end of the day
		{"2027-04-01T00:00:00Z", true},
		{"2027-03-31T20:00:00-05:00", true},  // 01:00 UTC on April 1st
		{"2027-04-01T01:00:00+02:00", false}, // 23:00 UTC on March 31st
		{"2030-01-01T00:00:00Z", true},
	}
	for _, tt := range tests {
		if got := w.Expired(date(tt.now)); got != tt.want {
			t.Errorf("Expired(%s) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestWaiverMatches(t *testing.T) {
	tests := []struct {
		name                string
		waiver              Waiver
		rule, resource, env string
		want                bool
	}{
		{"exact", Waiver{Rule: "s3-versioning", Resource: "aws_s3_bucket.scratch"}, "s3-versioning", "aws_s3_bucket.scratch", "dev", true},
		{"other rule", Waiver{Rule: "s3-versioning", Resource: "aws_s3_bucket.scratch"}, "s3-encryption-kms", "aws_s3_bucket.scratch", "dev", false},
		{"other resource", Waiver{Rule: "s3-versioning", Resource: "aws_s3_bucket.scratch"}, "s3-versioning", "aws_s3_bucket.scratch2", "dev", false},
		{"env limited, same env", Waiver{Rule: "no-drift", Resource: "DataBucket", Environment: "prod"}, "no-drift", "DataBucket", "prod", true},
		{"env limited, other env", Waiver{Rule: "no-drift", Resource: "DataBucket", Environment: "prod"}, "no-drift", "DataBucket", "dev", false},
		{"brackets are literal", Waiver{Rule: "s3-versioning", Resource: `aws_s3_bucket.b["x"]`}, "s3-versioning", `aws_s3_bucket.b["x"]`, "", true},
		{"brackets not a class", Waiver{Rule: "s3-versioning", Resource: `aws_s3_bucket.b[0]`}, "s3-versioning", `aws_s3_bucket.b0`, "", false},
		{"star over module", Waiver{Rule: "no-drift", Resource: "module.legacy.*"}, "no-drift", `module.legacy.aws_vpc.main`, "", true},
		{"star over instances", Waiver{Rule: "no-drift", Resource: `aws_s3_bucket.logs["*"]`}, "no-drift", `aws_s3_bucket.logs["eu-west-1"]`, "", true},
		{"star needs prefix", Waiver{Rule: "no-drift", Resource: "module.legacy.*"}, "no-drift", "module.legacy2.aws_vpc.main", "", false},
		{"star middle", Waiver{Rule: "no-drift", Resource: "module.*.aws_vpc.main"}, "no-drift", "module.a.module.b.aws_vpc.main", "", true},
		{"star middle mismatch", Waiver{Rule: "no-drift", Resource: "module.*.aws_vpc.main"}, "no-drift", "module.a.aws_vpc.other", "", false},
		{"only star", Waiver{Rule: "no-drift", Resource: "*"}, "no-drift", "Anything", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.waiver.Matches(tt.rule, tt.resource, tt.env); got != tt.want {
				t.Errorf("Matches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFindWaiver(t *testing.T) {
	org := mustLoad(t, "org.yaml", "/repo")
	design := mustLoad(t, "design.yaml", "/repo")
	now := date("2026-06-01T00:00:00Z")
	env := func(c *Config, name string) *Environment {
		e, err := c.Environment(name)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	tests := []struct {
		name        string
		cfg         *Config
		rule, res   string
		env         *Environment
		wantLine    int // 0: no waiver
		wantExpired bool
	}{
		{"valid waiver", design, "s3-versioning", "aws_s3_bucket.scratch", env(design, "dev"), 27, false},
		{"waiver for another env", design, "s3-versioning", "aws_s3_bucket.scratch", env(design, "sandbox"), 0, false},
		{"expired waiver is returned as expired", org, "no-drift", "module.legacy_network.aws_vpc.main", env(org, "workloads"), 56, true},
		{"mandatory rule cannot be waived", org, "no-drift", "module.legacy_network.aws_vpc.main", env(org, "production"), 0, false},
		{"no match", org, "s3-versioning", "aws_s3_bucket.website", env(org, "workloads"), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.cfg.FindWaiver(tt.rule, tt.res, tt.env, now)
			if tt.wantLine == 0 {
				if w != nil {
					t.Errorf("FindWaiver = %+v, want none", w)
				}
				return
			}
			if w == nil {
				t.Fatal("FindWaiver = nil")
			}
			if w.Line != tt.wantLine || w.Expired(now) != tt.wantExpired {
				t.Errorf("FindWaiver = line %d expired %v, want line %d expired %v", w.Line, w.Expired(now), tt.wantLine, tt.wantExpired)
			}
		})
	}
}

func TestWaiverDefaultEnvironment(t *testing.T) {
	src := []byte(`version: 1
default_environment: dev
environments:
  dev: {}
waivers:
  - rule: s3-versioning
    resource: Scratch
    environment: default
    reason: recreated nightly
    owner: data-platform
    expires: 2027-03-31
`)
	cfg, err := Parse("stackgate.yaml", src, testRules)
	if err != nil {
		t.Fatal(err)
	}
	env := cfg.ForPath("x.tf")
	if w := cfg.FindWaiver("s3-versioning", "Scratch", env, date("2026-01-01T00:00:00Z")); w == nil || w.Environment != "dev" {
		t.Errorf("waiver for 'default' = %+v, want it bound to the fallback dev", w)
	}
}

func TestFindWaiverPrefersValid(t *testing.T) {
	src := []byte(`version: 1
waivers:
  - rule: s3-versioning
    resource: aws_s3_bucket.*
    reason: old blanket waiver
    owner: data-platform
    expires: 2025-01-01
  - rule: s3-versioning
    resource: aws_s3_bucket.scratch
    reason: recreated nightly
    owner: data-platform
    expires: 2027-03-31
`)
	cfg, err := Parse("stackgate.yaml", src, testRules)
	if err != nil {
		t.Fatal(err)
	}
	now := date("2026-01-01T00:00:00Z")
	w := cfg.FindWaiver("s3-versioning", "aws_s3_bucket.scratch", cfg.Fallback(), now)
	if w == nil || w.Line != 8 {
		t.Fatalf("FindWaiver = %+v, want the valid waiver on line 8", w)
	}
	w = cfg.FindWaiver("s3-versioning", "aws_s3_bucket.other", cfg.Fallback(), now)
	if w == nil || w.Line != 3 || !w.Expired(now) {
		t.Fatalf("FindWaiver = %+v, want the expired waiver on line 3", w)
	}
	if got := w.ExpiresString(); got != "2025-01-01" {
		t.Errorf("ExpiresString = %s", got)
	}
}
