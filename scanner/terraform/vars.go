package terraform

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/zclconf/go-cty/cty"
)

// rawVar is a value given for a root module variable and where it was set.
type rawVar struct {
	val  cty.Value
	rng  hcl.Range      // zero for --var and TF_VAR_
	expr hcl.Expression // the value's expression in a variables file; nil otherwise
	src  string         // "TF_VAR_x", "--var x", or the file
}

// rootVarValues gathers the values set for the root module's variables, in
// Terraform's precedence order (later wins): TF_VAR_ environment variables,
// terraform.tfvars, terraform.tfvars.json, *.auto.tfvars and
// *.auto.tfvars.json in name order, then --var-file and --var.
func (l *loader) rootVarValues(cfg *moduleConfig) map[string]rawVar {
	out := map[string]rawVar{}
	for _, kv := range l.opts.Env {
		k, v, ok := strings.Cut(kv, "=")
		name, isVar := strings.CutPrefix(k, "TF_VAR_")
		if !ok || !isVar {
			continue
		}
		decl := cfg.variables[name]
		if decl == nil {
			continue // Terraform ignores TF_VAR_ for undeclared variables
		}
		if val, err := parseCLIValue(decl, v, "TF_VAR_"+name); err != nil {
			l.addErr(err)
		} else {
			out[name] = rawVar{val: val, src: "TF_VAR_" + name}
		}
	}
	var auto []string
	present := map[string]bool{}
	if names, err := l.fileNames(cfg.abs); err == nil {
		for _, n := range names {
			present[n] = true
			if strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json") {
				auto = append(auto, n)
			}
		}
	}
	files := []string{"terraform.tfvars", "terraform.tfvars.json"}
	for _, n := range append(files, auto...) {
		if !present[n] {
			continue
		}
		l.readVarFile(filepath.Join(cfg.display, n), filepath.Join(cfg.abs, n), cfg, out)
	}
	for _, f := range l.opts.VarFiles {
		l.readVarFile(f, f, cfg, out)
	}
	names := slices.Sorted(maps.Keys(l.opts.Vars))
	for _, name := range names {
		decl := cfg.variables[name]
		if decl == nil {
			l.addErr(model.Errorf("", 0, 0, "--var %s: the root module does not declare a variable named %q", name, name))
			continue
		}
		if val, err := parseCLIValue(decl, l.opts.Vars[name], "--var "+name); err != nil {
			l.addErr(err)
		} else {
			out[name] = rawVar{val: val, src: "--var " + name}
		}
	}
	return out
}

// readVarFile reads a .tfvars or .tfvars.json file into out. Values must be
// constants: Terraform allows no references or functions there.
func (l *loader) readVarFile(display, path string, cfg *moduleConfig, out map[string]rawVar) {
	if l.stopped() {
		return
	}
	abs, _ := filepath.Abs(path)
	src, err := readFile(l.fs, abs)
	if err != nil {
		l.addErr(relabel(err, display))
		return
	}
	l.files[display] = src
	name := display
	if strings.HasSuffix(path, ".json") && !strings.HasSuffix(name, ".json") {
		name += ".json"
	}
	pf, errs := parseSource(name, src)
	if len(errs) > 0 {
		for _, e := range errs {
			e.File = display
			l.addErr(e)
		}
		return
	}
	attrs, diags := pf.file.Body.JustAttributes()
	for _, e := range diagErrors(diags) {
		l.addErr(e)
	}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[k]
		if cfg.variables[k] == nil {
			l.note("%s:%d: value for undeclared variable %q is ignored", display, a.NameRange.Start.Line, k)
			continue
		}
		val, diags := a.Expr.Value(l.constCtx())
		if diags.HasErrors() {
			l.addErr(errAt(a.Expr.Range(), "variable %q: only constant values are allowed in variable files: %s", k, diagMessage(diags[0])))
			continue
		}
		out[k] = rawVar{val: val, rng: a.Expr.Range(), expr: a.Expr, src: display}
	}
}

// parseCLIValue interprets a value from --var or TF_VAR_: the raw string
// for primitive and unconstrained variables, an HCL expression for the
// others, as Terraform does.
func parseCLIValue(decl *variableConfig, s, src string) (cty.Value, error) {
	ty := decl.typ
	if ty == cty.DynamicPseudoType || ty.IsPrimitiveType() {
		return cty.StringVal(s), nil
	}
	expr, diags := hclsyntax.ParseExpression([]byte(s), src, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, model.Errorf("", 0, 0, "%s: invalid value: %s", src, diagMessage(diags[0]))
	}
	val, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, model.Errorf("", 0, 0, "%s: invalid value: %s", src, diagMessage(diags[0]))
	}
	return val, nil
}

// convertVar applies a variable's optional() defaults and type constraint.
// Marks are taken off for the conversion and put back by path. A value
// that already has the constraint's type (or any value, for a variable of
// type any) with no defaults to apply would come back as it is, so it is
// returned without the walks over every element that unmarking and
// re-marking take: values passed down module calls are often large maps.
func convertVar(decl *variableConfig, val cty.Value) (cty.Value, error) {
	if decl.defaults == nil && (decl.typ == cty.DynamicPseudoType || val.Type().Equals(decl.typ)) {
		return val, nil
	}
	unmarked, pvm := val.UnmarkDeepWithPaths()
	if decl.defaults != nil {
		unmarked = decl.defaults.Apply(unmarked)
	}
	out, err := convertCollection(unmarked, decl.typ)
	if err != nil {
		return cty.NilVal, err
	}
	return markPaths(out, pvm), nil
}

// markPaths re-applies marks taken off with UnmarkDeepWithPaths, skipping
// paths that no longer exist after a conversion.
func markPaths(v cty.Value, pvm []cty.PathValueMarks) cty.Value {
	if len(pvm) == 0 {
		return v
	}
	var keep []cty.PathValueMarks
	for _, p := range pvm {
		if _, err := p.Path.Apply(v); err == nil {
			keep = append(keep, p)
		} else {
			// The path is gone (a set, a converted key): mark the whole value.
			keep = append(keep, cty.PathValueMarks{Path: nil, Marks: p.Marks})
		}
	}
	return v.MarkWithPaths(keep)
}
