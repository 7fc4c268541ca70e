package config

import (
	"os"
	"testing"
)

// BenchmarkParse measures parsing the multi-account org config, which the
// editor layer repeats whenever stackgate.yaml changes.
func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("testdata/valid/org.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("/repo/stackgate.yaml", src, testRules); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForPath measures environment selection, done once per file.
func BenchmarkForPath(b *testing.B) {
	src, err := os.ReadFile("testdata/valid/org.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := Parse("/repo/stackgate.yaml", src, testRules)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		cfg.ForPath("/repo/envs/staging/network/main.tf")
	}
}
