package plan

import (
	"encoding/json"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stackgate/stackgate/internal/parallel"
)

// decodeConfig decodes the plan's configuration as json.Unmarshal into
// *tfjson.Config does. terraform-json decodes every expression by trying
// it first as a list of nested blocks and, when that fails, as an
// expression: encoding/json validates and walks an expression's text
// four times, and a nested block's once more at every level. That was
// most of the time of loading a plan's configuration (0.45 s of CPU for
// 20,000 resources). Here the same structs are decoded through mirror
// types whose expressions are decoded by decodeExpr, which looks at the
// first byte to know which they are; what it is not sure of it leaves to
// terraform-json's own (*Expression).UnmarshalJSON, so the result is the
// same in every case.
//
// The structure around the expressions is decoded the same way where it
// is large (the configuration, its modules and their resources: members
// found by their brackets, from text the first pass has validated), and
// by encoding/json into the mirror types where it is small or unusual.
func decodeConfig(b []byte) (*tfjson.Config, error) {
	var m fastConfig
	if !m.quick(b) {
		m = fastConfig{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
	}
	return m.config(), nil
}

var (
	configNames   = []string{"provider_config", "root_module"}
	moduleNames   = []string{"outputs", "resources", "module_calls", "variables"}
	resourceNames = []string{"address", "mode", "type", "name", "provider_config_key", "provisioners", "expressions", "schema_version", "count_expression", "for_each_expression", "depends_on"}
)

// quick decodes the configuration b (valid JSON) as json.Unmarshal does,
// or reports false.
func (m *fastConfig) quick(b []byte) bool {
	return eachMember(b, &valueParser{}, configNames, func(name string, v []byte) bool {
		switch name {
		case "provider_config":
			return json.Unmarshal(v, &m.ProviderConfigs) == nil
		case "root_module":
			if v[0] == 'n' {
				return true
			}
			m.RootModule = new(fastModule)
			return m.RootModule.UnmarshalJSON(v) == nil
		}
		return true
	})
}

// UnmarshalJSON decodes a module (not null) quickly when it can, else as
// encoding/json decodes the struct.
func (m *fastModule) UnmarshalJSON(b []byte) error {
	if m.quick(b) {
		return nil
	}
	type plain fastModule // without this method
	*m = fastModule{}
	return json.Unmarshal(b, (*plain)(m))
}

func (m *fastModule) quick(b []byte) bool {
	p := &valueParser{}
	return eachMember(b, p, moduleNames, func(name string, v []byte) bool {
		switch name {
		case "outputs":
			return json.Unmarshal(v, &m.Outputs) == nil
		case "module_calls":
			return json.Unmarshal(v, &m.ModuleCalls) == nil
		case "variables":
			return json.Unmarshal(v, &m.Variables) == nil
		case "resources":
			elems, ok := arrayOrNull(v)
			if !ok || elems == nil {
				return ok
			}
			m.Resources, ok = decodeResources(elems)
			return ok
		}
		return true
	})
}

// decodeResources decodes the resources of a module, in tasks of
// entriesPerTask on every core: a plan of many resources has most of
// them in one module, whose configuration, decoded on one core, was
// still being decoded well after the resource changes beside it were.
// ok is false when one of them is not a resource.
func decodeResources(elems [][]byte) (rs []*fastResource, ok bool) {
	rs = make([]*fastResource, len(elems))
	tasks := (len(elems) + entriesPerTask - 1) / entriesPerTask
	failed := make([]bool, tasks)
	parallel.For(tasks, 0, func(t int) {
		p := &valueParser{} // interns nothing: shared by no other task
		for i := t * entriesPerTask; i < min(len(elems), (t+1)*entriesPerTask); i++ {
			if elems[i][0] == 'n' {
				continue
			}
			r := new(fastResource)
			if !r.quick(elems[i], p) {
				*r = fastResource{}
				if json.Unmarshal(elems[i], r) != nil {
					failed[t] = true
					return
				}
			}
			rs[i] = r
		}
	})
	return rs, !slices.Contains(failed, true)
}

// quick decodes a configuration resource (an object) as json.Unmarshal
// does, or reports false.
func (r *fastResource) quick(b []byte, p *valueParser) bool {
	if b[0] != '{' {
		return false
	}
	return eachMember(b, p, resourceNames, func(name string, v []byte) bool {
		switch name {
		case "address":
			return stringField(&r.Address, v, nil)
		case "mode":
			return modeField(&r.Mode, v, p)
		case "type":
			return stringField(&r.Type, v, p)
		case "name":
			return stringField(&r.Name, v, p)
		case "provider_config_key":
			return stringField(&r.ProviderConfigKey, v, p)
		case "expressions":
			return r.Expressions.UnmarshalJSON(v) == nil
		case "schema_version":
			return json.Unmarshal(v, &r.SchemaVersion) == nil
		case "count_expression":
			return exprField(&r.CountExpression, v)
		case "for_each_expression":
			return exprField(&r.ForEachExpression, v)
		case "depends_on":
			return stringList(&r.DependsOn, v)
		case "provisioners":
			return json.Unmarshal(v, &r.Provisioners) == nil
		}
		return true
	})
}

// exprField decodes a *Expression field: nil for null.
func exprField(dst **fastExpr, v []byte) bool {
	if v[0] == 'n' {
		return true
	}
	x, err := decodeExpr(v)
	*dst = (*fastExpr)(x)
	return err == nil
}

// The mirror types: the fields of terraform-json's configuration types,
// in the same order with the same JSON names (TestConfigMirror checks),
// with expressions decoded by decodeExpr.
type (
	fastConfig struct {
		ProviderConfigs map[string]*fastProviderConfig `json:"provider_config,omitempty"`
		RootModule      *fastModule                    `json:"root_module,omitempty"`
	}
	fastProviderConfig struct {
		Name              string  `json:"name,omitempty"`
		FullName          string  `json:"full_name,omitempty"`
		Alias             string  `json:"alias,omitempty"`
		ModuleAddress     string  `json:"module_address,omitempty"`
		Expressions       exprMap `json:"expressions,omitempty"`
		VersionConstraint string  `json:"version_constraint,omitempty"`
	}
	fastModule struct {
		Outputs     map[string]*fastOutput            `json:"outputs,omitempty"`
		Resources   []*fastResource                   `json:"resources,omitempty"`
		ModuleCalls map[string]*fastModuleCall        `json:"module_calls,omitempty"`
		Variables   map[string]*tfjson.ConfigVariable `json:"variables,omitempty"`
	}
	fastOutput struct {
		Sensitive   bool      `json:"sensitive,omitempty"`
		Expression  *fastExpr `json:"expression,omitempty"`
		Description string    `json:"description,omitempty"`
		DependsOn   []string  `json:"depends_on,omitempty"`
	}
	fastResource struct {
		Address           string              `json:"address,omitempty"`
		Mode              tfjson.ResourceMode `json:"mode,omitempty"`
		Type              string              `json:"type,omitempty"`
		Name              string              `json:"name,omitempty"`
		ProviderConfigKey string              `json:"provider_config_key,omitempty"`
		Provisioners      []*fastProvisioner  `json:"provisioners,omitempty"`
		Expressions       exprMap             `json:"expressions,omitempty"`
		SchemaVersion     uint64              `json:"schema_version"`
		CountExpression   *fastExpr           `json:"count_expression,omitempty"`
		ForEachExpression *fastExpr           `json:"for_each_expression,omitempty"`
		DependsOn         []string            `json:"depends_on,omitempty"`
	}
	fastProvisioner struct {
		Type        string  `json:"type,omitempty"`
		Expressions exprMap `json:"expressions,omitempty"`
	}
	fastModuleCall struct {
		Source            string      `json:"source,omitempty"`
		Expressions       exprMap     `json:"expressions,omitempty"`
		CountExpression   *fastExpr   `json:"count_expression,omitempty"`
		ForEachExpression *fastExpr   `json:"for_each_expression,omitempty"`
		Module            *fastModule `json:"module,omitempty"`
		VersionConstraint string      `json:"version_constraint,omitempty"`
		DependsOn         []string    `json:"depends_on,omitempty"`
	}
)

// fastExpr is a *tfjson.Expression field: encoding/json leaves it nil for
// null and calls UnmarshalJSON otherwise, as it does for the original.
type fastExpr tfjson.Expression

func (e *fastExpr) UnmarshalJSON(b []byte) error {
	x, err := decodeExpr(b)
	if err != nil {
		return err
	}
	*e = fastExpr(*x)
	return nil
}

// exprMap is a map[string]*tfjson.Expression field. encoding/json calls
// UnmarshalJSON for null too, which leaves it nil, as it leaves the
// original.
type exprMap map[string]*tfjson.Expression

func (m *exprMap) UnmarshalJSON(b []byte) error {
	if b[0] == '{' {
		out := exprMap{}
		ok := eachMember(b, nil, nil, func(name string, v []byte) bool {
			if v[0] == 'n' {
				out[name] = nil
				return true
			}
			x, err := decodeExpr(v)
			out[name] = x
			return err == nil
		})
		if ok {
			*m = out
			return nil
		}
	}
	*m = nil
	return json.Unmarshal(b, (*map[string]*tfjson.Expression)(m))
}

// decodeExpr decodes one expression (not null) as
// (*tfjson.Expression).UnmarshalJSON does: a list of nested blocks (maps
// of expressions) or an object with constant_value and references, the
// constant value replaced by tfjson.UnknownConstantValue when there are
// references.
func decodeExpr(b []byte) (*tfjson.Expression, error) {
	if x, ok := quickExpr(b); ok {
		return x, nil
	}
	x := new(tfjson.Expression)
	if err := x.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	return x, nil
}

var exprNames = []string{"constant_value", "references"}

// quickExpr is decodeExpr's quick way: false when the text is anything
// but the usual (an object with plain member names, or an array of such
// objects and nulls).
func quickExpr(b []byte) (*tfjson.Expression, bool) {
	var p *valueParser // map keys are kept: copied, not interned
	switch b[0] {
	case '{':
		d := new(tfjson.ExpressionData)
		ok := eachMember(b, p, exprNames, func(name string, v []byte) bool {
			switch name {
			case "constant_value":
				return constantValue(&d.ConstantValue, v)
			case "references":
				return stringList(&d.References, v)
			}
			return true
		})
		if !ok {
			return nil, false
		}
		if len(d.References) > 0 {
			d.ConstantValue = tfjson.UnknownConstantValue
		}
		return &tfjson.Expression{ExpressionData: d}, true
	case '[':
		blocks, ok := splitArray(b)
		if !ok {
			return nil, false
		}
		var nested []map[string]*tfjson.Expression
		for _, blk := range blocks {
			m := make(map[string]*tfjson.Expression)
			switch blk[0] {
			case 'n':
			case '{':
				ok := eachMember(blk, p, nil, func(name string, v []byte) bool {
					if v[0] == 'n' {
						m[name] = nil
						return true
					}
					x, ok := quickExpr(v)
					m[name] = x
					return ok
				})
				if !ok {
					return nil, false
				}
			default:
				return nil, false
			}
			nested = append(nested, m)
		}
		return &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{NestedBlocks: nested}}, true
	}
	return nil, false
}

// constantValue decodes a constant value as encoding/json decodes into an
// interface{}: plain strings, booleans and null here, the rest by a
// valueParser that makes numbers float64 (encoding/json validated and
// walked the text again, a third of decoding a plan's configuration), or
// by encoding/json itself for a string with escapes.
func constantValue(dst *any, v []byte) bool {
	switch v[0] {
	case 'n':
		*dst = nil
		return true
	case 't':
		*dst = true
		return true
	case 'f':
		*dst = false
		return true
	case '"':
		var s string
		if !stringField(&s, v, nil) {
			return false
		}
		*dst = s
		return true
	case '{', '[', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		p := valueParser{floats: true}
		val, _ := p.parse(v, 0)
		if p.badNumber {
			return false // encoding/json's error, from the full decoder
		}
		*dst = val
		return true
	}
	return json.Unmarshal(v, dst) == nil
}

// arrayOrNull splits an already validated JSON array into its elements
// (non-nil, empty for []); null gives nil elements. ok is false for any
// other value.
func arrayOrNull(v []byte) (elems [][]byte, ok bool) {
	if v[0] == 'n' {
		return nil, true
	}
	return splitArray(v)
}

// stringList decodes a list of strings (null leaves it nil); false for
// anything else.
func stringList(dst *[]string, v []byte) bool {
	elems, ok := arrayOrNull(v)
	if !ok || elems == nil {
		return ok
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		var s string
		if e[0] != '"' || !stringField(&s, e, nil) {
			return false
		}
		out = append(out, s)
	}
	*dst = out
	return true
}

// config converts the mirror to terraform-json's types.
func (m *fastConfig) config() *tfjson.Config {
	c := &tfjson.Config{RootModule: m.RootModule.module()}
	if m.ProviderConfigs != nil {
		c.ProviderConfigs = make(map[string]*tfjson.ProviderConfig, len(m.ProviderConfigs))
		for k, p := range m.ProviderConfigs {
			if p == nil {
				c.ProviderConfigs[k] = nil
				continue
			}
			c.ProviderConfigs[k] = &tfjson.ProviderConfig{
				Name: p.Name, FullName: p.FullName, Alias: p.Alias, ModuleAddress: p.ModuleAddress,
				Expressions: p.Expressions, VersionConstraint: p.VersionConstraint,
			}
		}
	}
	return c
}

func (m *fastModule) module() *tfjson.ConfigModule {
	if m == nil {
		return nil
	}
	c := &tfjson.ConfigModule{Variables: m.Variables}
	if m.Outputs != nil {
		c.Outputs = make(map[string]*tfjson.ConfigOutput, len(m.Outputs))
		for k, o := range m.Outputs {
			if o == nil {
				c.Outputs[k] = nil
				continue
			}
			c.Outputs[k] = &tfjson.ConfigOutput{
				Sensitive: o.Sensitive, Expression: (*tfjson.Expression)(o.Expression),
				Description: o.Description, DependsOn: o.DependsOn,
			}
		}
	}
	if m.Resources != nil {
		c.Resources = make([]*tfjson.ConfigResource, len(m.Resources))
		for i, r := range m.Resources {
			if r == nil {
				continue
			}
			c.Resources[i] = &tfjson.ConfigResource{
				Address: r.Address, Mode: r.Mode, Type: r.Type, Name: r.Name,
				ProviderConfigKey: r.ProviderConfigKey, Provisioners: provisioners(r.Provisioners),
				Expressions: r.Expressions, SchemaVersion: r.SchemaVersion,
				CountExpression:   (*tfjson.Expression)(r.CountExpression),
				ForEachExpression: (*tfjson.Expression)(r.ForEachExpression),
				DependsOn:         r.DependsOn,
			}
		}
	}
	if m.ModuleCalls != nil {
		c.ModuleCalls = make(map[string]*tfjson.ModuleCall, len(m.ModuleCalls))
		for k, mc := range m.ModuleCalls {
			if mc == nil {
				c.ModuleCalls[k] = nil
				continue
			}
			c.ModuleCalls[k] = &tfjson.ModuleCall{
				Source: mc.Source, Expressions: mc.Expressions,
				CountExpression:   (*tfjson.Expression)(mc.CountExpression),
				ForEachExpression: (*tfjson.Expression)(mc.ForEachExpression),
				Module:            mc.Module.module(), VersionConstraint: mc.VersionConstraint, DependsOn: mc.DependsOn,
			}
		}
	}
	return c
}

func provisioners(in []*fastProvisioner) []*tfjson.ConfigProvisioner {
	if in == nil {
		return nil
	}
	out := make([]*tfjson.ConfigProvisioner, len(in))
	for i, p := range in {
		if p != nil {
			out[i] = &tfjson.ConfigProvisioner{Type: p.Type, Expressions: p.Expressions}
		}
	}
	return out
}
