package cfn

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// forEach expands one Fn::ForEach::Name loop of the Resources section
// (AWS::LanguageExtensions):
//
//	Fn::ForEach::Topics:
//	  - TopicName                    # identifier
//	  - [Success, Failure]           # collection (a list or a Ref to one)
//	  - Topic${TopicName}:           # output key: ${Id} or &{Id} (alphanumerics only)
//	      Type: AWS::SNS::Topic
//	      Properties: {TopicName: !Ref TopicName}
//
// Each item of the collection yields the output declarations with the
// identifier bound, so !Ref TopicName and ${TopicName} resolve inside them.
// A collection that is not known statically cannot be expanded: the loop's
// resources are then reported in a note rather than guessed.
func (l *loader) forEach(key, n *yaml.Node, bindings map[string]string, depth int) []entry {
	loop := key.Value
	if depth >= 5 {
		l.errorf(key, "%s: Fn::ForEach loops nest more than 5 deep", loop)
		return nil
	}
	args, ok := l.args(loop, key, n, 3, 3)
	if !ok {
		return nil
	}
	idNode, outputs := args[0], args[2]
	if idNode.Kind != yaml.ScalarNode || idNode.Value == "" {
		l.errorf(idNode, "%s: the identifier must be a name", loop)
		return nil
	}
	if outputs.Kind != yaml.MappingNode {
		l.errorf(outputs, "%s: the third argument must be a mapping of output keys to resources", loop)
		return nil
	}
	coll := l.eval(args[1], &scope{bindings: bindings})
	if coll.kind == vUnknown || coll.ref != nil {
		reason := coll.reason
		if coll.ref != nil {
			reason = coll.s.(string) + " is known only at deploy time"
		}
		l.note("%s: its collection is not known (%s); the resources it declares are not checked", loop, reason)
		return nil
	}
	if coll.kind != vList {
		l.errorf(args[1], "%s: the collection must be a list, not %s", loop, valueKind(coll))
		return nil
	}
	var out []entry
	for _, it := range coll.items {
		if l.fatal || !l.spend(key) {
			return out
		}
		if it.kind == vNoValue {
			continue
		}
		item, u := l.knownString(it, args[1], loop+" collection item")
		if u != nil {
			if it.kind == vUnknown {
				l.note("%s: an item of its collection is not known (%s); the resources it declares are not checked", loop, it.reason)
			}
			return nil
		}
		b := make(map[string]string, len(bindings)+1)
		for k, v := range bindings {
			b[k] = v
		}
		b[idNode.Value] = item
		for i := 0; i+1 < len(outputs.Content) && !l.fatal; i += 2 {
			k, decl := outputs.Content[i], outputs.Content[i+1]
			if strings.HasPrefix(k.Value, "Fn::ForEach::") {
				out = append(out, l.forEach(k, decl, b, depth+1)...)
				continue
			}
			if len(l.types) >= maxForEachResources {
				l.errorf(key, "%s expands to more than %d resources", loop, maxForEachResources)
				l.fatal = true
				return out
			}
			if e, ok := l.declare(expandKey(k.Value, b), key, decl, b); ok {
				out = append(out, e)
			}
		}
	}
	return out
}

// expandKey substitutes ${Id} (the value) and &{Id} (its alphanumeric
// characters only) in an Fn::ForEach output key.
func expandKey(s string, b map[string]string) string {
	for id, v := range b {
		s = strings.ReplaceAll(s, "${"+id+"}", v)
		s = strings.ReplaceAll(s, "&{"+id+"}", alnum(v))
	}
	return s
}

func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
