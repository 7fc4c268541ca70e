package plan

import (
	"maps"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stackgate/stackgate/policies/model"
)

// maxModuleDepth bounds the configuration walk; Terraform itself rejects
// module calls that recurse, so only hostile input gets near it.
const maxModuleDepth = 64

// configIndex gives fast access to the plan's configuration section.
type configIndex struct {
	// resources by configuration address without instance keys:
	// "module.lake.aws_s3_bucket.this".
	resources map[string]*tfjson.ConfigResource
	// calls by module configuration path with trailing dot: "module.lake.".
	calls map[string]*tfjson.ModuleCall
	// providers is configuration.provider_config.
	providers map[string]*tfjson.ProviderConfig
}

func indexConfig(c *tfjson.Config) *configIndex {
	ix := &configIndex{
		resources: map[string]*tfjson.ConfigResource{},
		calls:     map[string]*tfjson.ModuleCall{},
	}
	if c == nil {
		return ix
	}
	ix.providers = c.ProviderConfigs
	var walk func(prefix string, m *tfjson.ConfigModule, depth int)
	walk = func(prefix string, m *tfjson.ConfigModule, depth int) {
		if m == nil || depth > maxModuleDepth {
			return
		}
		for _, r := range m.Resources {
			if r != nil {
				ix.resources[prefix+r.Address] = r
			}
		}
		for name, call := range m.ModuleCalls {
			if call == nil {
				continue
			}
			p := prefix + "module." + name + "."
			ix.calls[p] = call
			walk(p, call.Module, depth+1)
		}
	}
	walk("", c.RootModule, 0)
	return ix
}

// resourceFor finds the configuration of a resource instance.
func (ix *configIndex) resourceFor(steps []modStep, mode, typ, name string) *tfjson.ConfigResource {
	addr := typ + "." + name
	if mode == string(tfjson.DataResourceMode) {
		addr = "data." + addr
	}
	return ix.resources[configModule(steps)+addr]
}

// exprData returns e's data, nil for a missing or null expression.
func exprData(e *tfjson.Expression) *tfjson.ExpressionData {
	if e == nil {
		return nil
	}
	return e.ExpressionData
}

// isSet reports whether the configuration sets the value at path: an
// argument set to anything but null (including a reference), or a block
// whose contents set the rest of the path. Below an argument set from
// references everything counts as set; inside a constant, what is not null. Block indexes are not
// matched one to one, because sets (security group ingress) have no stable
// order: a path is set when any block of that name sets its remainder.
func isSet(exprs map[string]*tfjson.Expression, path string) bool {
	if path != "" && strings.IndexAny(path, ".[") < 0 {
		// One argument name, as most paths unknown after apply are (the
		// computed attributes): model.SplitPath would make it the one
		// segment, boxed, for every such path of every resource.
		return argSet(exprData(exprs[path]), nil)
	}
	return setIn(exprs, model.SplitPath(path))
}

func setIn(exprs map[string]*tfjson.Expression, segs []any) bool {
	if len(segs) == 0 {
		return true
	}
	key, ok := segs[0].(string)
	if !ok {
		return false
	}
	return argSet(exprData(exprs[key]), segs[1:])
}

// argSet is setIn for the argument d, with the rest of the path below it.
func argSet(d *tfjson.ExpressionData, rest []any) bool {
	if d == nil {
		return false
	}
	if d.NestedBlocks != nil {
		if len(rest) > 0 {
			if _, isIndex := rest[0].(int); isIndex {
				rest = rest[1:]
			}
		}
		for _, blk := range d.NestedBlocks {
			if setIn(blk, rest) {
				return true
			}
		}
		return false
	}
	if len(d.References) > 0 {
		return true
	}
	return constSet(d.ConstantValue, rest)
}

// constSet reports whether a constant argument value sets the rest of a
// path. Null members are not set: attributes written as blocks (security
// group ingress) appear as a constant list of objects with every unset
// member null. List indexes match any element, as for blocks.
func constSet(v any, segs []any) bool {
	if v == nil {
		return false
	}
	if len(segs) == 0 {
		return true
	}
	switch x := v.(type) {
	case map[string]any:
		key, ok := segs[0].(string)
		return ok && constSet(x[key], segs[1:])
	case []any:
		if _, ok := segs[0].(int); !ok {
			return false
		}
		for _, e := range x {
			if constSet(e, segs[1:]) {
				return true
			}
		}
		return false
	}
	return true
}

// walkRefs calls fn for every argument expression of a resource that
// references something, with its path (blocks as lists:
// rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id),
// in the order of the sorted argument names. Most arguments reference
// nothing, and it runs for every resource with unknown values: those are
// left out before their names are sorted and their paths made (sorting
// the rest keeps the order they had among all).
func walkRefs(exprs map[string]*tfjson.Expression, fn func(path string, d *tfjson.ExpressionData)) {
	var walk func(prefix string, exprs map[string]*tfjson.Expression, depth int)
	walk = func(prefix string, exprs map[string]*tfjson.Expression, depth int) {
		if depth > MaxDepth {
			return
		}
		var keys []string
		for k, e := range exprs {
			if d := exprData(e); d != nil && (d.NestedBlocks != nil || len(d.References) > 0) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			d := exprData(exprs[k])
			p := model.AppendKey(prefix, k)
			if d.NestedBlocks != nil {
				for i, blk := range d.NestedBlocks {
					walk(model.AppendIndex(p, i), blk, depth+1)
				}
				continue
			}
			fn(p, d)
		}
	}
	walk("", exprs, 0)
}

// regions resolves the region of every provider configuration: a constant
// region argument, or a root module variable the plan gives a value. The
// notes say which regions could not be known.
func (ix *configIndex) regions(vars map[string]*tfjson.PlanVariable) (map[string]string, []string) {
	out := map[string]string{}
	var notes []string
	keys := slices.Sorted(maps.Keys(ix.providers))
	for _, k := range keys {
		pc := ix.providers[k]
		if pc == nil || (pc.Name != "aws" && pc.Name != "awscc") {
			continue
		}
		d := exprData(pc.Expressions["region"])
		if d == nil {
			continue
		}
		if s, ok := d.ConstantValue.(string); ok && s != "" {
			out[k] = s
			continue
		}
		if len(d.References) == 1 && pc.ModuleAddress == "" {
			if name, ok := strings.CutPrefix(d.References[0], "var."); ok && !strings.ContainsAny(name, ".[") {
				if v := vars[name]; v != nil {
					if s, ok := v.Value.(string); ok && s != "" {
						out[k] = s
						continue
					}
				}
			}
		}
		notes = append(notes, "the region of provider configuration "+k+" is not a constant in the plan's configuration; resources using it have no region")
	}
	return out, notes
}
