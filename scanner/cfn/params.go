package cfn

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfntypes"
)

// param is one declared template parameter and what it resolves to.
type param struct {
	name   string
	typ    string
	noEcho bool
	// val is the resolved value (nil when unknown); its node is the
	// parameter's declaration, repointed at each use.
	val    *value
	reason string // why the value is unknown
}

// Parameter types whose value is a list.
func isListType(typ string) bool {
	return typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<")
}

// loadParams reads the Parameters section and resolves every parameter to
// the value given in opts.Params or its Default.
func (l *loader) loadParams(sec *yaml.Node) {
	l.params = map[string]*param{}
	if isNull(sec) {
		return
	}
	if sec.Kind != yaml.MappingNode {
		l.errorf(sec, "Parameters must be a mapping of parameter names to declarations, not %s", kindName(sec))
		return
	}
	for i := 0; i+1 < len(sec.Content); i += 2 {
		k, decl := sec.Content[i], sec.Content[i+1]
		name := k.Value
		if name == "Fn::Transform" {
			l.sectionTransform("Parameters", k, decl)
			continue
		}
		if decl.Kind != yaml.MappingNode {
			l.errorf(decl, "parameter %s must be a mapping with at least a Type, not %s", name, kindName(decl))
			continue
		}
		p := &param{name: name}
		typ := mapGet(decl, "Type")
		if typ == nil || typ.Kind != yaml.ScalarNode || typ.Value == "" {
			l.errorf(k, "parameter %s has no Type", name)
			continue
		}
		p.typ = typ.Value
		if ne := mapGet(decl, "NoEcho"); ne != nil && ne.Kind == yaml.ScalarNode {
			p.noEcho = strings.EqualFold(ne.Value, "true")
		}
		l.params[name] = p

		raw, given := l.opts.Params[name]
		def := mapGet(decl, "Default")
		where := "its Default"
		if given {
			where = "the value given for it"
		}
		switch {
		case strings.HasPrefix(p.typ, "AWS::SSM::Parameter::Value<"):
			p.reason = "parameter " + name + " is read from SSM Parameter Store at deploy time"
			continue
		case given:
		case def != nil && !isNull(def):
			if def.Kind == yaml.SequenceNode && isListType(p.typ) {
				parts := make([]string, 0, len(def.Content))
				for _, c := range def.Content {
					parts = append(parts, c.Value)
				}
				raw = strings.Join(parts, ",")
			} else if def.Kind != yaml.ScalarNode {
				l.errorf(def, "parameter %s: Default must be a string, not %s", name, kindName(def))
				continue
			} else {
				raw = def.Value
			}
		default:
			p.reason = "parameter " + name + " has no value and no Default"
			continue
		}
		v, ok := typedParam(decl, p.typ, raw)
		if !ok {
			at := k
			if !given && def != nil {
				at = def
			}
			l.errorf(at, "parameter %s: %s is not a valid %s", name, where, p.typ)
			continue
		}
		if allowed := mapGet(decl, "AllowedValues"); allowed != nil && allowed.Kind == yaml.SequenceNode && !isListType(p.typ) {
			if !allowedValue(allowed, raw) {
				at := k
				if !given && def != nil {
					at = def
				}
				l.errorf(at, "parameter %s: %s is not one of its AllowedValues", name, where)
				continue
			}
		}
		p.val = v
	}
}

func allowedValue(allowed *yaml.Node, raw string) bool {
	for _, a := range allowed.Content {
		if a.Kind == yaml.ScalarNode && a.Value == raw {
			return true
		}
	}
	return false
}

// typedParam converts a parameter's string form to its typed value:
// Number to int64 or float64, lists to []string (or numbers for
// List<Number>), everything else to string.
func typedParam(n *yaml.Node, typ, raw string) (*value, bool) {
	switch {
	case typ == "Number":
		num, ok := parseNumber(strings.TrimSpace(raw))
		if !ok {
			return nil, false
		}
		return scalarVal(n, num), true
	case isListType(typ):
		list := &value{kind: vList, node: n}
		if raw == "" {
			return list, true
		}
		for _, part := range strings.Split(raw, ",") {
			part = strings.TrimSpace(part)
			if typ == "List<Number>" {
				num, ok := parseNumber(part)
				if !ok {
					return nil, false
				}
				list.items = append(list.items, scalarVal(n, num))
				continue
			}
			list.items = append(list.items, scalarVal(n, part))
		}
		return list, true
	}
	return scalarVal(n, raw), true
}

// parseNumber parses a decimal integer or float.
func parseNumber(s string) (any, bool) { return cfntypes.ParseNumber(s) }

// pseudo resolves a pseudo parameter. ok is false for names that are not
// pseudo parameters.
func (l *loader) pseudo(name string, n *yaml.Node) (*value, bool) {
	o := l.opts
	known := func(s, what string) *value {
		if s == "" {
			return unknownVal(n, name+" is known only at deploy time ("+what+" not given)")
		}
		return scalarVal(n, s)
	}
	switch name {
	case "AWS::Region":
		return known(o.Region, "region"), true
	case "AWS::AccountId":
		return known(o.AccountID, "account id"), true
	case "AWS::StackName":
		return known(o.StackName, "stack name"), true
	case "AWS::Partition":
		return known(partition(o), "region or partition"), true
	case "AWS::URLSuffix":
		switch partition(o) {
		case "":
			return unknownVal(n, name+" is known only at deploy time (region or partition not given)"), true
		case "aws-cn":
			return scalarVal(n, "amazonaws.com.cn"), true
		}
		return scalarVal(n, "amazonaws.com"), true
	case "AWS::StackId":
		return unknownVal(n, "AWS::StackId is known only after the stack is created"), true
	case "AWS::NotificationARNs":
		return unknownVal(n, "AWS::NotificationARNs is set when the stack is deployed"), true
	case "AWS::NoValue":
		return &value{kind: vNoValue, node: n}, true
	}
	return nil, false
}

// partition is Options.Partition, or derived from the region's prefix.
func partition(o Options) string {
	switch {
	case o.Partition != "":
		return o.Partition
	case o.Region == "":
		return ""
	case strings.HasPrefix(o.Region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(o.Region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(o.Region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(o.Region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

// ParseParameterFile reads stack parameter values from a file in one of
// the forms CloudFormation tooling uses:
//
//   - the AWS CLI form: [{"ParameterKey": "Env", "ParameterValue": "prod"}]
//   - the CodePipeline template configuration form: {"Parameters": {"Env": "prod"}}
//   - a plain mapping, YAML or JSON: {"Env": "prod"}
//
// Numbers and booleans are read as their string form and lists are joined
// with commas, as CloudFormation passes them. Entries with
// UsePreviousValue and no value are skipped: their value is unknown.
func ParseParameterFile(file string, src []byte) (map[string]string, error) {
	s, err := parseDoc(file, src, DefaultMaxBytes)
	if err != nil {
		return nil, err
	}
	root := s.root
	out := map[string]string{}
	var errs ErrorList
	bad := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, model.Errorf(file, n.Line, n.Column, format, args...))
	}
	switch root.Kind {
	case yaml.SequenceNode:
		for _, item := range root.Content {
			if item.Kind != yaml.MappingNode {
				bad(item, "parameter entry must be a mapping with ParameterKey and ParameterValue, not %s", kindName(item))
				continue
			}
			key := mapGet(item, "ParameterKey")
			if key == nil || key.Kind != yaml.ScalarNode || key.Value == "" {
				bad(item, "parameter entry has no ParameterKey")
				continue
			}
			val := mapGet(item, "ParameterValue")
			if val == nil {
				if prev := mapGet(item, "UsePreviousValue"); prev != nil && strings.EqualFold(prev.Value, "true") {
					continue
				}
				bad(item, "parameter %s has no ParameterValue", key.Value)
				continue
			}
			str, ok := paramString(val)
			if !ok {
				bad(val, "parameter %s: ParameterValue must be a string, number, boolean or list of them", key.Value)
				continue
			}
			out[key.Value] = str
		}
	case yaml.MappingNode:
		m := root
		if p := mapGet(root, "Parameters"); p != nil {
			if p.Kind != yaml.MappingNode {
				bad(p, "Parameters must be a mapping of names to values, not %s", kindName(p))
				return nil, errs.Err()
			}
			m = p
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			str, ok := paramString(v)
			if !ok {
				bad(v, "parameter %s: value must be a string, number, boolean or list of them, not %s", k.Value, kindName(v))
				continue
			}
			out[k.Value] = str
		}
	default:
		bad(root, "parameter file must be a list of {ParameterKey, ParameterValue} or a mapping of names to values")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// paramString returns the string form CloudFormation receives for a
// parameter value written as a scalar or a list of scalars.
func paramString(n *yaml.Node) (string, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if isNull(n) {
			return "", true
		}
		return n.Value, true
	case yaml.SequenceNode:
		parts := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return "", false
			}
			parts = append(parts, c.Value)
		}
		return strings.Join(parts, ","), true
	}
	return "", false
}
