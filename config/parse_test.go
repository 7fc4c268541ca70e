package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackgate/stackgate/internal/golden"
	"github.com/stackgate/stackgate/internal/suggest"

	"github.com/stackgate/stackgate/policies/model"
)

// wantErr is one expected problem: its line and a substring of its message.
type wantErr struct {
	line int
	msg  string
}

// invalidCases lists, for every file in testdata/invalid, every problem
// Parse must report, in order.
var invalidCases = map[string][]wantErr{
	"absolute-glob.yaml":              {{3, "exclude: '/var/tmp/**' is absolute"}},
	"alias.yaml":                      {{7, "YAML aliases (*strict) are not supported"}},
	"bad-account.yaml":                {{5, "'1234-5678-9012' is not an AWS account id (12 digits)"}},
	"bad-glob.yaml":                   {{5, "'envs/[abc' is not a valid glob"}},
	"bad-ou.yaml":                     {{5, "'r-ab12' is not an organizational unit id"}},
	"deep.yaml":                       {{6, "nesting deeper than 64 levels"}},
	"default-env-missing.yaml":        {{2, "default_environment 'develop' is not defined under environments; defined: dev, prod"}},
	"duplicate-account.yaml":          {{8, "account 111111111111 is already matched by environment 'prod'"}},
	"duplicate-env.yaml":              {{5, "environments: duplicate key 'prod' (first defined on line 3)"}},
	"duplicate-key.yaml":              {{5, "duplicate key 'enforcement' (first defined on line 4)"}},
	"empty.yaml":                      {{1, "config is empty"}},
	"enabled-string.yaml":             {{5, "rule 's3-versioning': enabled must be true or false, got the string 'no'"}},
	"enforcement-int.yaml":            {{4, "enforcement must be one of advise, warn, block, got the integer 3"}},
	"inline-suppressions-string.yaml": {{4, "inline_suppressions must be true or false"}},
	"invalid-utf8.yaml":               {{4, "invalid UTF-8"}},
	"mandatory-not-listed.yaml":       {{4, "mandatory rule 'no-drift' is not on in this environment; list it under rules"}},
	"mandatory-off.yaml":              {{4, "mandatory rule 's3-versioning' is not on in this environment; remove {enabled: false}"}},
	"many-errors.yaml": {
		{2, "default_environment 'nope' is not defined"},
		{5, "unknown key 'enforcment' in environment 'prod' (did you mean 'enforcement'?)"},
		{7, "enabled must be true or false, got the string 'maybe'"},
		{9, "waivers[0]: missing required key 'reason'"},
		{12, "expires must be a date YYYY-MM-DD, got '2027-02-30'"},
	},
	"merge-key.yaml":             {{4, "merge keys ('<<') are not supported"}},
	"multi-doc.yaml":             {{2, "single YAML document"}},
	"not-mapping.yaml":           {{1, "config must be a mapping"}},
	"params-extra.yaml":          {{6, "rule 'required-tags': parameters: missing property 'tags'"}, {6, "additional properties 'tag' not allowed"}},
	"params-nested.yaml":         {{8, "rule 'required-tags': parameter tags.cost-center: got number, want array"}},
	"params-none.yaml":           {{5, "rule 'no-drift' takes no parameters, got 'ignore'"}},
	"params-not-mapping.yaml":    {{5, "rule 'no-drift' must be a mapping of parameters"}},
	"params-required-null.yaml":  {{5, "rule 'allowed-regions': parameters: missing property 'regions'"}},
	"params-type.yaml":           {{8, "rule 'sg-no-public-ingress': parameter allowed_ports[1]: got string, want integer"}},
	"paths-string.yaml":          {{5, "match.paths must be a list, got the string 'sandbox/**'"}},
	"syntax.yaml":                {{3, "invalid YAML: did not find expected key"}},
	"tag-int.yaml":               {{6, "match.tags.tier must be a string, got the integer 1"}},
	"unknown-enum.yaml":          {{4, "unknown must be one of warn, block, got 'blok' (did you mean 'block'?)"}},
	"unknown-env-key.yaml":       {{4, "unknown key 'enforcment' in environment 'dev' (did you mean 'enforcement'?)"}},
	"unknown-mandatory.yaml":     {{4, "unknown rule 'no-drfit' (did you mean 'no-drift'?)"}},
	"unknown-rule.yaml":          {{5, "unknown rule 's3-encryption' (did you mean 's3-encryption-kms'?)"}},
	"unknown-top-key.yaml":       {{2, "unknown key 'environment' in the config (did you mean 'environments'?)"}},
	"unknown-waiver-rule.yaml":   {{3, "unknown rule 's3-versoning' (did you mean 's3-versioning'?)"}},
	"unquoted-account.yaml":      {{5, `quote the account id ("111111111111")`}},
	"version-2.yaml":             {{1, "unsupported version 2"}},
	"version-missing.yaml":       {{2, "missing required key 'version'"}},
	"version-string.yaml":        {{1, "version must be the integer 1, got the string '1'"}},
	"waiver-bad-date.yaml":       {{7, "expires must be a date YYYY-MM-DD, got '31/03/2027'"}},
	"waiver-empty-reason.yaml":   {{5, "reason must not be empty"}},
	"waiver-mandatory.yaml":      {{8, "rule 's3-public-access-block' is mandatory in environment 'prod' and cannot be waived there"}},
	"waiver-missing-fields.yaml": {{3, "missing required key 'reason'"}, {3, "missing required key 'owner'"}},
	"waiver-month-13.yaml":       {{7, "got '2027-13-01'"}},
	"waiver-unknown-env.yaml":    {{7, "unknown environment 'staging'"}},
}

func TestParseInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid configs: %v", err)
	}
	seen := map[string]bool{}
	for _, file := range files {
		name := filepath.Base(file)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			want, ok := invalidCases[name]
			if !ok {
				t.Fatalf("no expectation for %s in invalidCases", name)
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := Parse(file, src, testRules)
			if cfg != nil {
				t.Errorf("Parse returned a config along with the error")
			}
			var errs model.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v (%T), want model.Errors", err, err)
			}
			if len(errs) != len(want) {
				t.Errorf("got %d problems, want %d:\n%v", len(errs), len(want), errs)
			}
			for i := 0; i < min(len(errs), len(want)); i++ {
				e, w := errs[i], want[i]
				if e.File != file || e.Line != w.line || !strings.Contains(e.Message, w.msg) {
					t.Errorf("problem %d = %v\nwant %s:%d: ...%s...", i, e, file, w.line, w.msg)
				}
			}
			// Every message names the file and a line.
			for _, e := range errs {
				if !strings.HasPrefix(e.Error(), file+":") || e.Line == 0 {
					t.Errorf("problem without position: %v", e)
				}
			}
		})
	}
	for name := range invalidCases {
		if !seen[name] {
			t.Errorf("invalidCases names %s, which is not in testdata/invalid", name)
		}
	}
}

// TestParseHostile covers inputs that are built rather than stored.
func TestParseHostile(t *testing.T) {
	bomb := "version: 1\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i := 1; i < 10; i++ {
		bomb += strings.Replace("xN: &aN [*aP, *aP, *aP, *aP, *aP, *aP, *aP, *aP, *aP]\n", "N", string(rune('0'+i)), 2)
		bomb = strings.ReplaceAll(bomb, "aP", "a"+string(rune('0'+i-1)))
	}
	tests := []struct {
		name string
		src  []byte
		line int
		msg  string
	}{
		{"too big", append([]byte("version: 1\n#"), bytes.Repeat([]byte("x"), MaxFileSize)...), 0, "larger than the limit of 1048576 bytes"},
		{"alias bomb", []byte(bomb), 3, "YAML aliases (*a0) are not supported"},
		{"deep mappings", []byte("version: 1\nwaivers:\n  " + strings.Repeat("{a: ", 100) + strings.Repeat("}", 100) + "\n"), 3, "nesting deeper than 64"},
		{"deep flow over yaml limit", []byte(strings.Repeat("[", 20000)), 0, "invalid YAML: exceeded max depth"},
		{"many problems", []byte("version: 1\n" + strings.Repeat("enforcment: x\n", 5000)), 2, "unknown key 'enforcment'"},
		{"nul byte", []byte("version: 1\x00\n"), 0, "invalid YAML"},
		{"utf-16", []byte{0xff, 0xfe, 'v', 0, 'e', 0}, 1, "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse("stackgate.yaml", tt.src, testRules)
			if time.Since(start) > 10*time.Second {
				t.Errorf("Parse took %v", time.Since(start))
			}
			var errs model.Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Parse error = %v, want model.Errors", err)
			}
			if errs[0].Line != tt.line || !strings.Contains(errs[0].Message, tt.msg) {
				t.Errorf("first problem = %v, want line %d and %q", errs[0], tt.line, tt.msg)
			}
			if len(errs) > maxReported+1 {
				t.Errorf("%d problems reported, want at most %d", len(errs), maxReported+1)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		word string
		want string
	}{
		{"enforcment", "enforcement"},
		{"enviroments", "environments"},
		{"s3-versoning", "s3-versioning"},
		{"s3-encryption", "s3-encryption-kms"},
		{"xyz", ""},
		{"a", ""},
		{"completely-unrelated-key", ""},
	}
	cands := append(append([]string{}, topLevelKeys...), environmentKeys...)
	for _, r := range testRules {
		cands = append(cands, r.ID)
	}
	for _, tt := range tests {
		if got := suggest.Closest(tt.word, cands); got != tt.want {
			t.Errorf("suggest.Closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

// goldenView is the stable, machine-independent form of a Config that the
// golden files record.
type goldenView struct {
	Version            int
	DefaultEnvironment string
	Fallback           string
	Environments       []*Environment
	Waivers            []goldenWaiver
	Policies           []string
	Exclude            []string
}

type goldenWaiver struct {
	Rule, Resource, Environment, Reason, Owner, Expires string
	Line                                                int
}

func view(t *testing.T, c *Config) goldenView {
	t.Helper()
	v := goldenView{
		Version:            c.Version,
		DefaultEnvironment: c.DefaultEnvironment,
		Fallback:           c.Fallback().Name,
		Environments:       c.Environments,
		Exclude:            c.Exclude,
	}
	for _, p := range c.Policies {
		rel, err := filepath.Rel(c.Dir(), p)
		if err != nil {
			t.Fatal(err)
		}
		v.Policies = append(v.Policies, filepath.ToSlash(rel))
	}
	for _, w := range c.Waivers {
		v.Waivers = append(v.Waivers, goldenWaiver{w.Rule, w.Resource, w.Environment, w.Reason, w.Owner, w.ExpiresString(), w.Line})
	}
	return v
}

// TestParseValid parses every valid config and compares the effective
// result with its golden file (testdata/valid/NAME.golden.json); run with
// -update to rewrite them after an intended change.
func TestParseValid(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid configs: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			cfg, err := Load(file, testRules)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if cfg.File != file {
				t.Errorf("File = %q, want %q", cfg.File, file)
			}
			got, err := json.MarshalIndent(view(t, cfg), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden.Check(t, strings.TrimSuffix(file, ".yaml")+".golden.json", got)
		})
	}
}
