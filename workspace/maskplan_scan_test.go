package workspace

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMaskPlanShortcut checks that maskPlan, which decodes a plan whole
// only when its text may flag a value sensitive, masks what the whole
// decode masks: on every plan under testdata and on plans made to defeat
// the shortcut (escaped keys, pretty-printed JSON, flags in outputs,
// sensitive variables of odd shapes).
func TestMaskPlanShortcut(t *testing.T) {
	plans := map[string][]byte{}
	err := filepath.WalkDir("../testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && isPlanSource(b) {
			plans[p] = b
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) < 5 {
		t.Fatalf("only %d plans under testdata", len(plans))
	}
	head := `{"format_version":"1.2","terraform_version":"1.9.0",`
	made := map[string]string{
		"flag in after_sensitive": `"resource_changes":[{"address":"a","change":{"after":{"p":"s3cr3t-a"},"after_sensitive":{"p":true}}}]}`,
		"pretty":                  "\"resource_changes\" : [ { \"address\" : \"a\" , \"change\" : { \"after\" : { \"p\" : \"s3cr3t-b\" } ,\n \"after_sensitive\" :\n { \"p\" : true } } } ] }",
		"escaped key":             `"resource_changes":[{"address":"a","change":{"after":{"p":"s3cr3t-c"},"after_sens\u0069tive":{"p":true}}}]}`,
		"output":                  `"resource_changes":[],"output_changes":{"o":{"after":"s3cr3t-d","after_sensitive":true}}}`,
		"planned":                 `"resource_changes":[],"planned_values":{"root_module":{"resources":[{"address":"a","values":{"p":"s3cr3t-e"},"sensitive_values":{"p":true}}]}}}`,
		"variable":                `"resource_changes":[{"address":"a","change":{"after":{"p":"s3cr3t-f"},"after_sensitive":{}}}],"variables":{"v":{"value":"s3cr3t-f"}},"configuration":{"root_module":{"variables":{"v":{"sensitive":true}}}}}`,
		"odd variable":            `"resource_changes":[],"variables":{"v":{"value":"s3cr3t-g"}},"configuration":{"root_module":{"variables":{"v":{"sensitive":true},"w":{"sensitive":"yes"}}}}}`,
		"true in a key":           `"resource_changes":[{"address":"a","change":{"after":{"true":"visible"},"after_sensitive":{"true":false}}}]}`,
		"unclosed":                `"resource_changes":[{"address":"a","change":{"after_sensitive":{"p`,
	}
	for name, rest := range made {
		plans[name] = []byte(head + rest)
	}
	for name, src := range plans {
		want := maskPlanDecoded(bytes.Clone(src))
		got := maskPlan(bytes.Clone(src))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: maskPlan differs from the whole decode:\n got %.300s\nwant %.300s", name, got, want)
		}
		if strings.HasPrefix(name, "odd") || !strings.Contains(string(src), "s3cr3t") {
			continue
		}
		if bytes.Contains(got, []byte("s3cr3t")) && name != "odd variable" {
			t.Errorf("%s: a secret is shown:\n%s", name, got)
		}
	}
}
