package plan

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestFastDecodeSame: the common decode path (in place, unused members
// skipped, values parsed directly) loads every fixture, a generated plan
// and the fuzz corpus exactly as the full decoder does, errors included.
func TestFastDecodeSame(t *testing.T) {
	inputs := map[string][]byte{"big": bigPlan(300)}
	for _, name := range fixtures {
		_, src := readFixture(t, name)
		inputs[name] = src
	}
	corpus, _ := filepath.Glob("testdata/fuzz/*/*")
	for _, f := range corpus {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// go test fuzz corpus files: a header line, then []byte("...").
		for _, line := range strings.Split(string(b), "\n") {
			if q, ok := strings.CutPrefix(line, "[]byte("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					inputs[f] = []byte(s)
				}
			}
		}
	}
	inputs["numbers"] = []byte(`{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "name": "b", "mode": "managed", "change": {"actions": ["update"], "before": {"n": 1, "big": 123456789012345678901234567890, "f": 1.5, "e": 1e3, "s": "caf\u00e9 \ud83d\ude00", "bad": "\xff"}, "after": {"n": 2, "big": 9223372036854775807, "f": -0.0, "e": 1E400, "l": [1, {"x": null}], "s": "caf\u00e9 \ud83d\ude00"}, "after_unknown": {"u": true}, "replace_paths": [["l", 0]], "before_identity": 5}}], "planned_values": {}}`)
	for name, src := range inputs {
		fast, ferr := Load("p.json", src)
		slowDecodeOnly = true
		slow, serr := Load("p.json", src)
		slowDecodeOnly = false
		if (ferr == nil) != (serr == nil) || (ferr != nil && ferr.Error() != serr.Error()) {
			t.Errorf("%s: error %v, full decoder %v", name, ferr, serr)
			continue
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: loads differently from the full decoder", name)
		}
	}
}
