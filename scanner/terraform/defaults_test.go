package terraform

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestDefaultsPerInstance checks that a variable default found once per
// load (computeVariable) still counts against the budget in every
// instance when evaluating it does: three instances of a default that
// iterates over 400000 times go over the limit of 1000000 iterations, as
// three evaluations do.
func TestDefaultsPerInstance(t *testing.T) {
	// functions are not allowed in defaults: a literal list of 74
	// numbers, iterated over at three levels (74^3 > 400000; the innermost
	// for keeps no element, which is quicker to evaluate)
	nums := make([]string, 74)
	for i := range nums {
		nums[i] = strconv.Itoa(i)
	}
	list74 := "[" + strings.Join(nums, ", ") + "]"
	dir := t.TempDir()
	files := map[string]string{
		"main.tf": `module "m" {
  source   = "./mod"
  for_each = toset(["a", "b", "c"])
}
`,
		"mod/main.tf": `variable "big" {
  default = [for a in ` + list74 + ` : [for b in ` + list74 + ` : [for c in ` + list74 + ` : c if false]]]
}
variable "tags" {
  type    = map(string)
  default = { team = "x" }
}
resource "aws_s3_bucket" "b" {
  bucket = "b-${length(var.big)}"
  tags   = var.tags
}
`,
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Load(t.Context(), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "iterate more than 1000000 times") {
		t.Fatalf("Load error = %v, want the iteration limit", err)
	}
}

// TestDefaultsShared checks that a module's converted variable defaults
// are shared by every load that calls the module (variableConfig.
// converted): found by the first load, used as they are by the next,
// which gives the same resources. A default whose evaluation counts
// against the budget (a for expression) is not shared.
func TestDefaultsShared(t *testing.T) {
	ClearCaches()
	dir := t.TempDir()
	write(t, dir, "mod/main.tf", `variable "tags" {
  type = object({
    team = string
    cost = optional(string, "shared")
  })
  default = { team = "platform" }
}
variable "names" {
  default = [for n in ["A", "B"] : n]
}
resource "aws_s3_bucket" "b" {
  bucket = "b-${var.names[0]}"
  tags   = var.tags
}
`)
	for _, root := range []string{"one", "two"} {
		write(t, dir, root+"/main.tf", `module "m" {
  source = "../mod"
}
`)
	}
	var got []map[string]any
	for _, root := range []string{"one", "two"} {
		mod, err := Load(t.Context(), filepath.Join(dir, root), Options{})
		if err != nil {
			t.Fatalf("Load(%s): %v", root, err)
		}
		if len(mod.Resources) != 1 {
			t.Fatalf("Load(%s): %d resources, want 1", root, len(mod.Resources))
		}
		got = append(got, mod.Resources[0].Attrs)
		cfg := cachedConfig(t, filepath.Join(dir, "mod"))
		if cfg.variables["tags"].converted.Load() == nil {
			t.Errorf("after Load(%s): the default of var.tags is not shared", root)
		}
		if cfg.variables["names"].converted.Load() != nil {
			t.Errorf("after Load(%s): the default of var.names, a for expression, is shared", root)
		}
	}
	want := map[string]any{"bucket": "b-A", "tags": map[string]any{"team": "platform", "cost": "shared"}}
	for i, attrs := range got {
		if attrs["bucket"] != want["bucket"] || !reflect.DeepEqual(attrs["tags"], want["tags"]) {
			t.Errorf("load %d: bucket %v, tags %v; want %v", i+1, attrs["bucket"], attrs["tags"], want)
		}
	}
}

// cachedConfig returns the decoded configuration configCache holds for
// the module directory dir.
func cachedConfig(t *testing.T, dir string) *moduleConfig {
	t.Helper()
	configCache.mu.Lock()
	defer configCache.mu.Unlock()
	for k, e := range configCache.entries {
		if k.abs == dir {
			return e.value.cfg
		}
	}
	t.Fatalf("no decoded configuration cached for %s", dir)
	return nil
}
