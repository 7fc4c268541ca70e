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

// TestUnreadNotEvaluated: the value of a local value or output nothing
// reads is not computed (the same expression in a local value a resource
// reads is, and fails its limit); an output that is read late, by another
// module's input, is reported once, by its evaluation; the references of
// local values nothing reads are checked, and a cycle of them is reported
// as evaluating them in name order reported it.
func TestUnreadNotEvaluated(t *testing.T) {
	huge := "length([for p in setproduct(range(1000), range(1000)) : p])"
	tests := []struct {
		name  string
		files map[string]string
		want  string // the whole error, each path relative to the module; "" for none
	}{
		{name: "unread output", files: map[string]string{"main.tf": "output \"n\" {\n  value = " + huge + "\n}\n"}},
		{name: "unread local value", files: map[string]string{"main.tf": "locals {\n  n = " + huge + "\n}\n"}},
		{name: "local value a resource reads", files: map[string]string{"main.tf": "locals {\n  n = " + huge + "\n}\nresource \"x_y\" \"a\" {\n  n = local.n\n}\n"},
			want: "main.tf:2:24: setproduct() has more than 1000000 elements, over the limit of one value"},
		{name: "output read by a module input", files: map[string]string{
			"main.tf":        "module \"child\" {\n  source = \"./child\"\n}\n\nmodule \"reader\" {\n  source = \"./reader\"\n  in     = module.child.bad\n}\n",
			"child/main.tf":  "output \"bad\" {\n  value = var.missing\n}\n",
			"reader/main.tf": "variable \"in\" {}\n"},
			want: filepath.Join("child", "main.tf") + `:2:11: reference to undeclared input variable "missing" in module.child`},
		{name: "unread local values", files: map[string]string{"main.tf": "locals {\n  a = local.b\n  b = local.c\n  c = local.a\n  d = local.c\n  e = var.nope\n  f = upper(local.g)\n  g = \"x\"\n}\n"},
			want: "main.tf:2:3: cycle: local.a -> local.b -> local.c -> local.a refer to each other\n" +
				"main.tf:6:7: reference to undeclared input variable \"nope\" in the root module"},
		{name: "unread local value leading into a cycle", files: map[string]string{"main.tf": "locals {\n  a = local.c\n  b = local.c\n  c = local.b\n}\n"},
			want: "main.tf:4:3: cycle: local.c -> local.b -> local.c refer to each other"},
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
			case tt.want != "" && (err == nil || err.Error() != inDir(dir, tt.want)):
				t.Fatalf("error %v, want %s", err, inDir(dir, tt.want))
			}
		})
	}
}

// inDir prefixes each line of want with dir.
func inDir(dir, want string) string {
	lines := strings.Split(want, "\n")
	for i, l := range lines {
		lines[i] = filepath.Join(dir, l)
	}
	return strings.Join(lines, "\n")
}
