package terraform

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUnreadOutputs: an output nothing reads is not evaluated, but every
// bad reference in it is reported, in the words and at the place that
// evaluating it gave: an undeclared variable, local value, resource, data
// source, module call or module output, a reference that names nothing,
// in the root module and in each instance of a module.
func TestUnreadOutputs(t *testing.T) {
	dir := filepath.Join("testdata", "unread_outputs")
	_, err := Load(t.Context(), dir, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	main, child := filepath.Join(dir, "main.tf"), filepath.Join(dir, "child", "main.tf")
	want := []string{
		main + `:35:11: reference to undeclared resource data.aws_iam_policy_document.nope in the root module`,
		main + `:27:11: reference to undeclared local value "nope" in the root module`,
		// evaluating [module.many[0].nope, module.many[1].name] asked every
		// instance for both outputs, at each reference
		main + `:47:12: module.many[0] has no output named "nope" (and 1 more time, in other instances)`,
		main + `:47:33: module.many[0] has no output named "nope" (and 1 more time, in other instances)`,
		main + `:39:11: reference to undeclared module call "nope" in the root module`,
		main + `:43:11: module.child has no output named "nope"`,
		main + `:31:11: reference to undeclared resource aws_s3_bucket.nope in the root module`,
		main + `:23:11: reference to undeclared input variable "nope" in the root module`,
		main + `:55:11: invalid reference: var must be followed by a variable name`,
		main + `:59:11: reference to unknown name "nope"`,
		child + `:10:11: reference to undeclared input variable "missing" in module.child`,
		child + `:10:11: reference to undeclared input variable "missing" in module.many[0] (and 1 more time, in other instances)`,
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestUnreadOutputsNotEvaluated: the value of an output nothing reads is
// not computed (the same expression in a local value is, and fails its
// limit), and an output that is read later, by another module's input,
// is reported once, by its evaluation.
func TestUnreadOutputsNotEvaluated(t *testing.T) {
	huge := "length([for p in setproduct(range(1000), range(1000)) : p])"
	tests := []struct {
		name  string
		files map[string]string
		want  string // the whole error; "" for none
	}{
		{name: "unread output", files: map[string]string{"main.tf": "output \"n\" {\n  value = " + huge + "\n}\n"}},
		{name: "local value", files: map[string]string{"main.tf": "locals {\n  n = " + huge + "\n}\n"},
			want: "main.tf:2:24: setproduct() has more than 1000000 elements, over the limit of one value"},
		{name: "output read by a module input", files: map[string]string{
			"main.tf":        "module \"child\" {\n  source = \"./child\"\n}\n\nmodule \"reader\" {\n  source = \"./reader\"\n  in     = module.child.bad\n}\n",
			"child/main.tf":  "output \"bad\" {\n  value = var.missing\n}\n",
			"reader/main.tf": "variable \"in\" {}\n"},
			want: filepath.Join("child", "main.tf") + `:2:11: reference to undeclared input variable "missing" in module.child`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, src := range tt.files {
				write(t, dir, n, src)
			}
			_, err := Load(t.Context(), dir, Options{})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.want != "" && (err == nil || err.Error() != filepath.Join(dir, tt.want)):
				t.Fatalf("error %v, want %s", err, filepath.Join(dir, tt.want))
			}
		})
	}
}
