package tfmap

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// mapAWS writes the properties of an aws_* resource (or of a satellite,
// whose rules name the parent's properties) into b.
func mapAWS(b *builder, r *Resource, e *entry) {
	handled := map[string]bool{}
	for i := range e.rules {
		rule := &e.rules[i]
		if rule.Transform == "" && rule.Entries == "" || len(rule.tf) > 1 {
			continue
		}
		attr := rule.TF
		handled[attr] = true
		switch {
		case rule.Entries != "":
			mapBlocks(b, r, e, rule)
		case rule.Transform == "tags":
			mapTags(b, r, e, rule.CFN)
			if rule.ResourceType != "" {
				tagSpecification(b, rule.CFN, rule.ResourceType)
			}
		case rule.Transform == "json":
			mapJSON(b, r, e, attr, rule.CFN)
		}
	}
	for l := range leaves(r, "", r.Attrs) {
		top := firstKey(l.path)
		if handled[top] || (l.unknown && l.path == top && e.computed[top]) {
			continue
		}
		cfn, rule, ok := e.translate(l.path)
		if !ok {
			continue
		}
		if rule != nil && rule.Transform == "json" {
			// a json rule below the top level (inline_policy[].policy)
			mapJSONLeaf(b, r, cfn, l)
			continue
		}
		if rule != nil && rule.Single && singleElement(r, rule.TF) {
			cfn = rule.CFN // cidr_blocks[0] -> CidrIp
		}
		if rule != nil && rule.Values != nil && l.ref == nil && !l.unknown {
			v, known := rule.Values[fmt.Sprint(l.value)]
			if known {
				if v == nil {
					continue
				}
				l.value = normalize(v)
			}
		}
		b.emit(r, cfn, l)
	}
	keys := slices.Sorted(maps.Keys(e.Constants))
	for _, k := range keys {
		b.set(k, normalize(e.Constants[k]))
	}
}

// singleElement reports whether the top-level list attribute attr of r
// holds exactly one element, counting unknown and referenced elements the
// values do not hold.
func singleElement(r *Resource, attr string) bool {
	list, ok := r.Attrs[attr].([]any)
	return ok && len(list)+len(extraElements(r, attr, len(list))) == 1
}

// mapTags turns the provider's tags map into CloudFormation's list of
// {Key, Value} sorted by key. What the resource really gets is its tags
// merged over the provider's default_tags: a plan has that as tags_all
// (used when it is known and has every key of tags); the HCL evaluator
// gives the default tags, merged here for types that take tags.
func mapTags(b *builder, r *Resource, e *entry, cfn string) {
	if rng, ok := r.Ranges["tags"]; ok {
		b.paths[cfn] = rng // a missing tag points at the tags argument
	}
	src := "tags"
	if all, ok := r.Attrs["tags_all"].(map[string]any); ok && !unknownAt(r, "tags_all") {
		tags, _ := r.Attrs["tags"].(map[string]any)
		complete := len(all) >= len(tags) && len(all) > 0
		for k := range tags {
			if _, ok := all[k]; !ok {
				complete = false
			}
		}
		if complete {
			src = "tags_all"
		}
	}
	if ref, ok := r.Refs[src]; ok {
		b.emit(r, cfn, leaf{path: "tags", ref: &ref})
		return
	}
	if reason, ok := r.Unknown[src]; ok {
		if e.computed[src] {
			return
		}
		b.emit(r, cfn, leaf{path: "tags", unknown: true, reason: reason})
		return
	}
	m, _ := r.Attrs[src].(map[string]any)
	var defaults *DefaultTags
	if src == "tags" && takesDefaultTags(r, e) {
		defaults = r.DefaultTags
	}
	if defaults != nil {
		if reason, ok := defaults.Unknown[""]; ok {
			rng := defaults.Ranges[""]
			b.emit(r, cfn, leaf{path: "tags", unknown: true, reason: reason, rng: &rng})
			return
		}
	}
	own, _ := r.Attrs["tags"].(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	if defaults != nil {
		for k := range defaults.Tags {
			if _, ok := m[k]; !ok {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	for i, k := range keys {
		base := model.AppendIndex(cfn, i)
		var l leaf
		if _, ok := m[k]; ok {
			rangePath := "tags." + k
			if _, ok := own[k]; !ok {
				rangePath = "tags" // a default tag in tags_all: point at the tags argument
			}
			l = leaf{path: rangePath, value: m[k]}
			if ref, ok := r.Refs[src+"."+k]; ok {
				l = leaf{path: rangePath, ref: &ref}
			} else if reason, ok := r.Unknown[src+"."+k]; ok {
				l = leaf{path: rangePath, unknown: true, reason: reason}
			}
		} else {
			// a provider default tag: point at its entry in default_tags
			rng, ok := defaults.Ranges[k]
			if !ok {
				rng = defaults.Ranges[""]
			}
			l = leaf{path: "tags", value: defaults.Tags[k], rng: &rng}
			if reason, ok := defaults.Unknown[k]; ok {
				l.value, l.unknown, l.reason = nil, true, reason
			}
		}
		key := l
		key.value, key.unknown, key.reason, key.ref = k, false, "", nil
		b.emit(r, base+".Key", key)
		delete(b.sensitive, base+".Key") // a sensitive tag's key is written in the source
		b.emit(r, base+".Value", l)
	}
}

// tagSpecification names the resource type of the tag specification whose
// Tags the tags went into (TagSpecifications[0].ResourceType is
// launch-template), when there are tags.
func tagSpecification(b *builder, cfn, resourceType string) {
	if _, ok := lookupPath(b.props, cfn); !ok {
		return
	}
	segs := model.SplitPath(cfn)
	b.set(model.JoinPath(append(segs[:len(segs)-1:len(segs)-1], "ResourceType")...), resourceType)
}

// takesDefaultTags reports whether the provider's default_tags reach a
// resource: types mapped with a tags rule and named types take tags
// (except those listed untaggable); any other type does when it sets tags.
func takesDefaultTags(r *Resource, e *entry) bool {
	if e != genericEntry {
		return true
	}
	if _, ok := awsTable().Names[r.Type]; ok {
		return !awsTable().untaggable[r.Type]
	}
	_, set := r.Attrs["tags"]
	_, unknown := r.Unknown["tags"]
	_, ref := r.Refs["tags"]
	return set || unknown || ref
}

// mapJSON decodes a JSON document given as a string (policy =
// jsonencode(...)) into the object CloudFormation holds.
func mapJSON(b *builder, r *Resource, e *entry, attr, cfn string) {
	for l := range leaves(r, attr, r.Attrs[attr]) {
		if l.path != attr {
			// a document built as an object rather than a string
			if p, _, ok := e.translate(l.path); ok {
				b.emit(r, p, l)
			}
			continue
		}
		if l.unknown && e.computed[attr] {
			continue
		}
		mapJSONLeaf(b, r, cfn, l)
	}
}

func mapJSONLeaf(b *builder, r *Resource, cfn string, l leaf) {
	if s, ok := l.value.(string); ok && l.ref == nil && !l.unknown {
		var doc any
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		if err := dec.Decode(&doc); err == nil && !dec.More() {
			l.value = normalize(doc)
		}
	}
	b.emit(r, cfn, l)
}

// normalize converts decoded JSON to the model's value types.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
		return x
	case int:
		return int64(x)
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	}
	return v
}

func unknownAt(r *Resource, path string) bool {
	for p := path; p != ""; p = model.ParentPath(p) {
		if _, ok := r.Unknown[p]; ok {
			return true
		}
	}
	return false
}

// field is one value of a list entry: its path relative to the entry.
type field struct {
	rel string
	l   leaf
}

// listEntry is one entry of a list property such as SecurityGroupIngress;
// whole is set when the entry as a whole is unknown.
type listEntry struct {
	fields []field
	whole  *leaf
}

// mapBlocks expands a list of nested blocks (aws_security_group ingress)
// into entries of the CloudFormation list, one per source (CIDR, security
// group, prefix list) as CloudFormation has them.
func mapBlocks(b *builder, r *Resource, e *entry, rule *compiledRule) {
	attr := rule.TF
	if reason, ok := r.Unknown[attr]; ok {
		if !e.computed[attr] {
			b.emit(r, rule.CFN, leaf{path: attr, unknown: true, reason: reason})
		}
		return
	}
	blocks, _ := r.Attrs[attr].([]any)
	for i := range blocks {
		base := model.AppendIndex(attr, i)
		writeEntries(b, r, rule.CFN, expandEntries(r, base, awsTable().Sets[rule.Entries]))
	}
}

// writeEntries appends entries to the list at list.
func writeEntries(b *builder, r *Resource, list string, entries []listEntry) {
	for _, en := range entries {
		at := model.AppendIndex(list, b.length(list))
		if en.whole != nil {
			b.emit(r, at, *en.whole)
			continue
		}
		for _, f := range en.fields {
			b.emit(r, model.AppendKey(at, f.rel), f.l)
		}
	}
}

// expandEntries builds the entries of the block at base (ingress[0]) by a
// set of rules: each element of an expand attribute is an entry of its own,
// with the other attributes copied into each.
func expandEntries(r *Resource, base string, set []attrRule) []listEntry {
	at := func(attr string) string {
		if base == "" {
			return attr
		}
		return base + "." + attr
	}
	if base != "" {
		if ref, ok := r.Refs[base]; ok {
			return []listEntry{{whole: &leaf{path: base, ref: &ref}}}
		}
		if reason, ok := r.Unknown[base]; ok {
			return []listEntry{{whole: &leaf{path: base, unknown: true, reason: reason}}}
		}
	}
	var common []field
	for _, rule := range set {
		if rule.Expand {
			continue
		}
		p := at(rule.TF)
		v, _ := lookupPath(r.Attrs, p)
		for l := range leaves(r, p, v) {
			rel := rule.CFN + strings.TrimPrefix(genericPathOf(l.path), genericPathOf(p))
			common = append(common, field{rel: rel, l: l})
		}
	}
	var out []listEntry
	for _, rule := range set {
		if !rule.Expand {
			continue
		}
		p := at(rule.TF)
		v, _ := lookupPath(r.Attrs, p)
		var srcs []leaf
		if list, ok := v.([]any); ok {
			for j := range list {
				srcs = slices.AppendSeq(srcs, leaves(r, model.AppendIndex(p, j), list[j]))
			}
			// an element that is unknown or a reference with no value
			srcs = append(srcs, extraElements(r, p, len(list))...)
		} else {
			srcs = slices.Collect(leaves(r, p, v))
		}
		for _, s := range srcs {
			fields := append([]field{{rel: rule.CFN, l: s}}, common...)
			out = append(out, listEntry{fields: fields})
		}
	}
	if len(out) == 0 && len(common) > 0 {
		out = append(out, listEntry{fields: common})
	}
	return out
}

// extraElements are the unknown or referenced elements of the list at p
// beyond the n the attribute values hold.
func extraElements(r *Resource, p string, n int) []leaf {
	var out []leaf
	for i := n; i < n+1024; i++ {
		ep := model.AppendIndex(p, i)
		if ref, ok := r.Refs[ep]; ok {
			out = append(out, leaf{path: ep, ref: &ref})
		} else if reason, ok := r.Unknown[ep]; ok {
			out = append(out, leaf{path: ep, unknown: true, reason: reason})
		} else {
			break
		}
	}
	return out
}

// firstKey returns the first segment of path when it is a key, as
// model.SplitPath(path)[0].(string) does, without splitting the rest of a
// path that every value of every resource has; "" for an index or none.
func firstKey(path string) string {
	for path != "" && path[0] == '.' {
		path = path[1:]
	}
	if path == "" {
		return ""
	}
	if path[0] == '[' {
		end := strings.IndexByte(path, ']')
		if end < 0 {
			return path
		}
		if _, err := strconv.Atoi(path[1:end]); err != nil {
			return path[1:end]
		}
		return ""
	}
	if end := strings.IndexAny(path, ".["); end >= 0 {
		return path[:end]
	}
	return path
}
