package plan

import (
	"errors"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

// FuzzLoad feeds arbitrary bytes to Load and IsPlan: they must never panic,
// errors must be *model.Error naming the file, and every loaded resource
// must have a Change.
func FuzzLoad(f *testing.F) {
	for _, name := range fixtures {
		_, src := readFixture(f, name)
		f.Add(src)
	}
	f.Add([]byte(`{"format_version": "1.2", "resource_changes": [{"address": "module.a[\"x\"].aws_s3_bucket.b[0]", "module_address": "module.a[\"x\"]", "type": "aws_s3_bucket", "name": "b", "mode": "managed", "change": {"actions": ["delete", "create"], "before": {"t": [1]}, "after": {"t": {}}, "after_unknown": {"k": [true]}, "replace_paths": [["t", 0]]}}]}`))
	f.Add([]byte(`{"format_version": "1.2", "planned_values": {}, "resource_drift": [{"address": "a.b", "type": "a", "name": "b", "mode": "managed", "change": {"actions": ["delete"], "before": {"x": 1}, "after": null}}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		IsPlan(src)
		p, err := Load("fuzz.json", src)
		if err != nil {
			var me *model.Error
			if !errors.As(err, &me) || me.File != "fuzz.json" {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		for _, r := range p.Resources {
			if r.Change == nil {
				t.Fatalf("%s without Change", r.Address)
			}
		}
	})
}
