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
	if len(cfg.Waivers) != 1 {
		t.Fatalf("Waivers = %+v, want one", cfg.Waivers)
	}
	w := cfg.Waivers[0]
	if w.Environment != "dev" || !w.Matches("s3-versioning", "Scratch", env.Name) {
		t.Errorf("waiver for 'default' = %+v, want it bound to the fallback dev (environment %q)", w, env.Name)
	}
	if got := w.ExpiresString(); got != "2027-03-31" {
		t.Errorf("ExpiresString = %s", got)
	}
}
