package yamlerr

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestPosition(t *testing.T) {
	tests := []struct {
		src  string
		line int
		msg  string
	}{
		// The flow sequence opened on line 3 is never closed.
		{"a:\n  b: 1\n  c: [x\n  d: 2\n", 3, "did not find expected ',' or ']'"},
		{"a:\n  b: @x\n", 2, "found character that cannot start any token"},
		{"a: 1\n b: 2\n", 2, "mapping values are not allowed in this context"},
		{"a:\n  - x\n  y: 1\n", 2, "did not find expected '-' indicator"},
	}
	for _, tt := range tests {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(tt.src), &n)
		if err == nil {
			t.Fatalf("%q parsed", tt.src)
		}
		line, msg := Position(err)
		if line != tt.line || msg != tt.msg {
			t.Errorf("%q: got line %d %q (from %v), want line %d %q", tt.src, line, msg, err, tt.line, tt.msg)
		}
	}
}
