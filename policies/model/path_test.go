package model

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPaths(t *testing.T) {
	tests := []struct {
		path   string
		segs   []any
		parent string
	}{
		{"", nil, ""},
		{"Tags", []any{"Tags"}, ""},
		{"Tags[3].Value", []any{"Tags", 3, "Value"}, "Tags[3]"},
		{"Tags[3]", []any{"Tags", 3}, "Tags"},
		{"BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm",
			[]any{"BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault", "SSEAlgorithm"},
			"BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault"},
		{"A[0][1]", []any{"A", 0, 1}, "A[0]"},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.segs, SplitPath(tt.path)); d != "" {
			t.Errorf("SplitPath(%q) (-want +got):\n%s", tt.path, d)
		}
		if got := JoinPath(tt.segs...); got != tt.path {
			t.Errorf("JoinPath(%v) = %q, want %q", tt.segs, got, tt.path)
		}
		if got := ParentPath(tt.path); got != tt.parent {
			t.Errorf("ParentPath(%q) = %q, want %q", tt.path, got, tt.parent)
		}
	}
	if AppendIndex(AppendKey("", "Tags"), 2) != "Tags[2]" || AppendKey("Tags[2]", "Key") != "Tags[2].Key" {
		t.Error("AppendKey/AppendIndex")
	}
	for _, c := range []struct {
		path, prefix string
		want         bool
	}{
		{"A.B", "A", true}, {"A[0]", "A", true}, {"A", "A", true}, {"AB", "A", false}, {"A", "A.B", false}, {"X", "", true},
	} {
		if got := HasPrefixPath(c.path, c.prefix); got != c.want {
			t.Errorf("HasPrefixPath(%q, %q) = %v", c.path, c.prefix, got)
		}
	}
}

func TestLookup(t *testing.T) {
	props := map[string]any{"Tags": []any{map[string]any{"Key": "a", "Value": "1"}}, "N": nil}
	if v, ok := Lookup(props, "Tags[0].Value"); !ok || v != "1" {
		t.Errorf("Lookup Tags[0].Value = %v %v", v, ok)
	}
	if _, ok := Lookup(props, "Tags[1].Value"); ok {
		t.Error("out of range index found")
	}
	if v, ok := Lookup(props, "N"); !ok || v != nil {
		t.Error("explicit null not found")
	}
	if _, ok := Lookup(props, "Tags.Key"); ok {
		t.Error("key lookup in a list succeeded")
	}
}

func TestRangeFor(t *testing.T) {
	at := func(line int) Range { return Range{Start: Pos{Line: line, Column: 1}, End: Pos{Line: line, Column: 5}} }
	o := Origin{
		NameRange: at(3),
		Paths:     map[string]Range{"": at(5), "A": at(6), "A.B[0]": at(7)},
	}
	for path, want := range map[string]int{"A.B[0].C": 7, "A.B[1]": 6, "A": 6, "Missing.X": 3, "": 3} {
		if got := o.RangeFor(path).Start.Line; got != want {
			t.Errorf("RangeFor(%q) line %d, want %d", path, got, want)
		}
	}
	if got := (Origin{Paths: map[string]Range{"": at(5)}}).RangeFor("X").Start.Line; got != 5 {
		t.Errorf("without a name range, the resource's own range is used: got line %d", got)
	}
}

func TestRemediationFor(t *testing.T) {
	r := Remediation{CloudFormation: "cfn", Terraform: "tf"}
	if r.For(LayerTerraform) != "tf" || r.For(LayerPlan) != "tf" || r.For(LayerCloudFormation) != "cfn" || r.For(LayerHook) != "cfn" {
		t.Error("wrong language")
	}
	if (Remediation{Terraform: "tf"}).For(LayerCloudFormation) != "tf" {
		t.Error("no fallback to the other language")
	}
}

func TestPathTable(t *testing.T) {
	at := func(line int) Range {
		return Range{Filename: "t.yaml", Start: Pos{Line: line, Column: 3, Byte: 10 * line}, End: Pos{Line: line, Column: 9, Byte: 10*line + 6}}
	}
	paths := map[string]Range{"": at(5), "A": at(6), "A.B[0]": at(7), "Z": {}}
	tab := NewPathTable("t.yaml", 0)
	tab.Set("A", at(99)) // replaced below: the last Set wins
	for _, p := range []string{"Z", "A.B[0]", "", "A"} {
		tab.Set(p, paths[p])
	}
	if r, ok := tab.Get("A"); !ok || r != at(6) {
		t.Errorf("unsealed Get(A) = %+v, %v", r, ok)
	}
	tab.Seal()
	if tab.Len() != len(paths) {
		t.Errorf("Len = %d, want %d", tab.Len(), len(paths))
	}
	for p, want := range paths {
		if got, ok := tab.Get(p); !ok || got != want {
			t.Errorf("Get(%q) = %+v, %v; want %+v", p, got, ok, want)
		}
	}
	if _, ok := tab.Get("Q"); ok {
		t.Error("Get(Q) found a range")
	}
	byMap := Origin{NameRange: at(2), Paths: paths}
	byTab := Origin{NameRange: at(2), PathTable: tab}
	for _, p := range []string{"", "A", "A.B[0].C", "A.X", "Z", "Z.Y", "Q"} {
		if a, b := byMap.RangeFor(p), byTab.RangeFor(p); a != b {
			t.Errorf("RangeFor(%q): map %+v, table %+v", p, a, b)
		}
	}
	if got := byTab.AllPaths(); len(got) != len(paths) || got["A"] != at(6) {
		t.Errorf("AllPaths = %v", got)
	}

	// A range in another file turns the table into a map, with the same answers.
	other := NewPathTable("t.yaml", 1)
	other.Set("A", at(6))
	far := Range{Filename: "u.yaml", Start: Pos{Line: 1, Column: 1}, End: Pos{Line: 1, Column: 2, Byte: 1}}
	other.Set("B", far)
	other.Seal()
	if r, _ := other.Get("A"); r != at(6) {
		t.Errorf("Get(A) after spill = %+v", r)
	}
	if r, _ := other.Get("B"); r != far {
		t.Errorf("Get(B) after spill = %+v", r)
	}
}
