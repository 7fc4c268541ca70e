// Package canary lists the secret canaries planted in testdata/secrets:
// one distinct string per route by which a secret reaches stackgate. A
// test of any layer (CLI, hook, editor) runs that layer over the fixtures
// and asserts that no canary appears in anything it shows (Leaks), while
// the rules still fire on the resources the secrets flow into.
package canary

import (
	"path/filepath"
	"runtime"
	"strings"
)

// Canary is one secret planted on one route.
type Canary struct {
	// Route says how the secret reaches stackgate.
	Route string
	// Value is the secret as planted. Leaks matches it ignoring case, so
	// that a value changed by upper() or lower() is caught too.
	Value string
}

// The secrets that are not in a fixture file: the test passes them.
const (
	// CLIVar is the --var route: pass --var CLIVar to scan
	// testdata/secrets/terraform.
	CLIVar = "sse_cli=CANARY-tf-cli-9a05"
	// EnvName and EnvValue are the TF_VAR_ route.
	EnvName  = "TF_VAR_status_env"
	EnvValue = "CANARY-tf-env-c4e8"
)

// All returns every canary.
func All() []Canary {
	return []Canary{
		{"Terraform sensitive variable default (terraform/main.tf)", "CANARY-tf-default-8c1f"},
		{"terraform.tfvars value of a sensitive variable", "CANARY-tfvars-3b7d"},
		{"--var value of a sensitive variable", strings.SplitN(CLIVar, "=", 2)[1]},
		{"TF_VAR_ value of a sensitive variable", EnvValue},
		{"sensitive output of a local module feeding a resource", "CANARY-module-5e21"},
		{"function over a sensitive value (upper)", "canary-function-a9d4"},
		{"CloudFormation NoEcho parameter Default", "CANARY-cfn-noecho-71c0"},
		{"plan value under after_sensitive (and variables)", "CANARY-plan-token-2f6a"},
	}
}

// Leaks returns the canaries that appear in text, ignoring case.
func Leaks(text string) []Canary {
	lower := strings.ToLower(text)
	var out []Canary
	for _, c := range All() {
		if strings.Contains(lower, strings.ToLower(c.Value)) {
			out = append(out, c)
		}
	}
	return out
}

// Dir is the absolute path of testdata/secrets.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "secrets")
}
