package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stackgate/stackgate/policies/model"
)

// FuzzParse feeds arbitrary bytes to Parse. Whatever the input, Parse must
// not panic, must return either a config or a non-empty model.Errors (never
// both, never neither), and every problem must name the file. A config it
// accepts must be usable by every selector without panicking.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/valid/*.yaml", "testdata/invalid/*.yaml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := Parse("/repo/stackgate.yaml", src, testRules)
		if err != nil {
			if cfg != nil {
				t.Fatal("config returned along with an error")
			}
			var errs model.Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error is not a non-empty model.Errors: %T %v", err, err)
			}
			for _, e := range errs {
				if e.File != "/repo/stackgate.yaml" || e.Message == "" {
					t.Fatalf("problem without file or message: %#v", e)
				}
			}
			return
		}
		if cfg == nil || cfg.Version != 1 {
			t.Fatalf("no error but config = %+v", cfg)
		}
		for _, env := range append(cfg.Environments, cfg.Fallback()) {
			if env.Rules == nil || env.Enforcement == "" || env.Unknown == "" {
				t.Fatalf("environment %q incomplete: %+v", env.Name, env)
			}
			if _, err := cfg.Environment(env.Name); err != nil {
				t.Fatalf("Environment(%q): %v", env.Name, err)
			}
		}
		cfg.ForPath("/repo/envs/prod/main.tf")
		cfg.ForAccount("111111111111")
		cfg.Excluded("/repo/vendor/x.tf")
		for _, w := range cfg.Waivers {
			// A pattern matches itself: '*' matches any run, a literal '*' included.
			if !w.Matches(w.Rule, w.Resource, w.Environment) {
				t.Fatalf("waiver %+v does not match its own rule, resource and environment", w)
			}
			w.Expired(now)
		}
	})
}
