// Package cfnschema reads CloudFormation resource provider schemas (the
// JSON documents, one per resource type, with typeName, properties,
// definitions and tagging metadata) and renders what stackgate's rules need
// from them: where each resource type keeps its tags. The table is the JSON
// document policies/lib/tagging.json, which the rule engine puts at
// data.stackgate.lib.tagging for the tag helpers of data.stackgate.lib.
//
// To regenerate the table, get the provider schemas of one region and run
// the generator from the repository root:
//
//	go run ./scanner/cfnschema/gen SCHEMA_DIR
//
// (-o names another output file). The schemas used come from the public
// repository github.com/aws-cloudformation/cfn-lint, folder
// src/cfnlint/data/schemas/providers/us_east_1/ (one file per type, such as
// aws-ec2-launchtemplate.json); that folder last exists at commit 4daa90d1b
// (schemas of 2025-11-30), for example:
//
//	git -C cfn-lint archive 4daa90d1b src/cfnlint/data/schemas/providers/us_east_1 | tar -x -C /tmp/schemas
//	go run ./scanner/cfnschema/gen /tmp/schemas/src/cfnlint/data/schemas/providers/us_east_1
//
// Later cfn-lint commits keep the same documents under hash-derived names,
// and AWS publishes them as CloudformationSchema.zip per region; any
// directory of provider schemas works. Never commit the schemas themselves.
package cfnschema

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// The forms a resource type keeps its tags in.
const (
	// FormList is a list of {Key, Value} (most types, AWS::S3::Bucket).
	FormList = "list"
	// FormMap is a map of tag key to value (AWS::SSM::Parameter).
	FormMap = "map"
	// FormSpecifications is a list of {ResourceType, Tags: [{Key,
	// Value}]}: the entry whose ResourceType is Tagging.ResourceType tags
	// the resource itself, the others the resources it launches
	// (AWS::EC2::LaunchTemplate, launch-template).
	FormSpecifications = "specifications"
)

// Tagging is where one resource type keeps its tags.
type Tagging struct {
	// Property is the property path of the tags ("Tags", "FileSystemTags",
	// "TagSpecifications", "Tags.Items").
	Property string `json:"property"`
	// Form is FormList, FormMap or FormSpecifications.
	Form string `json:"form"`
	// ResourceType is, for FormSpecifications, the ResourceType value of
	// the entry that tags the resource itself.
	ResourceType string `json:"resource_type,omitempty"`
}

// Table is the tagging of every resource type that takes tags, by
// CloudFormation type. A type missing from it takes no tags.
type Table map[string]Tagging

// ReadDir reads every *.json provider schema in dir. notes says which
// schemas were left out and why (a type that declares tags where no
// recognised tag property is found); an unreadable schema, one without
// typeName, or a type found twice is an error.
func ReadDir(dir string) (Table, []string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("%s: no *.json provider schemas", dir)
	}
	slices.Sort(files)
	t := Table{}
	seen := map[string]string{}
	var notes []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		typeName, tg, ok, note, err := Read(src)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f, err)
		}
		if prev, dup := seen[typeName]; dup {
			return nil, nil, fmt.Errorf("%s: type %s already read from %s", f, typeName, prev)
		}
		seen[typeName] = f
		if note != "" {
			notes = append(notes, fmt.Sprintf("%s: %s", typeName, note))
		}
		if ok {
			t[typeName] = tg
		}
	}
	return t, notes, nil
}

// Read reads one provider schema: its type name and, when the type takes
// tags, where it keeps them. The tag property is the one tagging.tagProperty
// names; without it, Tags, or else a TagSpecifications list (the schema
// meta-model's default tag property is /properties/Tags). A type takes tags
// when its schema says taggable (the default when the tagging metadata is
// present) or, whatever the metadata says, when it has a tag property of a
// recognised form: many older types declare no tagging metadata, or
// taggable false, yet take a Tags property. note explains a type that
// declares tags where none are found.
func Read(src []byte) (typeName string, tg Tagging, ok bool, note string, err error) {
	var s map[string]any
	if err := json.Unmarshal(src, &s); err != nil {
		return "", Tagging{}, false, "", err
	}
	typeName, _ = s["typeName"].(string)
	if typeName == "" {
		return "", Tagging{}, false, "", fmt.Errorf("no typeName")
	}
	declared := false
	pointer := ""
	if tagging, isObj := s["tagging"].(map[string]any); isObj {
		declared = true
		if b, isBool := tagging["taggable"].(bool); isBool {
			declared = b
		}
		pointer, _ = tagging["tagProperty"].(string)
	} else if b, isBool := s["taggable"].(bool); isBool {
		declared = b // the deprecated top-level form
	}
	props, _ := s["properties"].(map[string]any)
	sc := schema{doc: s}
	var candidates []string
	if pointer != "" {
		p, perr := propertyPath(pointer)
		if perr != nil {
			return typeName, Tagging{}, false, "", perr
		}
		candidates = []string{p}
	} else {
		candidates = []string{"Tags", "TagSpecifications"}
	}
	for _, name := range candidates {
		n, found := sc.property(props, name)
		if !found {
			continue
		}
		t, recognised := sc.tagging(typeName, name, n)
		if recognised {
			return typeName, t, true, "", nil
		}
		if declared {
			return typeName, Tagging{}, false, "", fmt.Errorf("tag property %s has a form that is neither a list of Key/Value, a map nor a list of tag specifications", name)
		}
	}
	if declared {
		return typeName, Tagging{}, false, "declared taggable but has no tag property (" + strings.Join(candidates, ", ") + ")", nil
	}
	return typeName, Tagging{}, false, "", nil
}

// propertyPath turns a JSON pointer into the schema's properties
// (/properties/A/properties/B) into a property path (A.B).
func propertyPath(pointer string) (string, error) {
	segs := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	if len(segs)%2 != 0 {
		return "", fmt.Errorf("tagProperty %q is not /properties/<name>", pointer)
	}
	var out []string
	for i := 0; i < len(segs); i += 2 {
		if segs[i] != "properties" || segs[i+1] == "" {
			return "", fmt.Errorf("tagProperty %q is not /properties/<name>", pointer)
		}
		out = append(out, strings.NewReplacer("~1", "/", "~0", "~").Replace(segs[i+1]))
	}
	return strings.Join(out, "."), nil
}

// schema resolves the local $refs of one provider schema.
type schema struct {
	doc map[string]any
}

// resolve follows $ref (#/definitions/X, or any local JSON pointer).
func (sc schema) resolve(n map[string]any) map[string]any {
	for range 32 { // a cycle of $refs ends here
		ref, isRef := n["$ref"].(string)
		if !isRef || !strings.HasPrefix(ref, "#/") {
			return n
		}
		var cur any = sc.doc
		for _, seg := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(map[string]any)
			cur = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)]
		}
		next, isObj := cur.(map[string]any)
		if !isObj {
			return map[string]any{}
		}
		n = next
	}
	return n
}

// property finds the schema of the property at path (A.B) below props.
func (sc schema) property(props map[string]any, path string) (map[string]any, bool) {
	var n map[string]any
	for _, seg := range strings.Split(path, ".") {
		p, isObj := props[seg].(map[string]any)
		if !isObj {
			return nil, false
		}
		n = sc.resolve(p)
		props, _ = n["properties"].(map[string]any)
	}
	return n, n != nil
}

// tagging recognises the form of the tag property name of typeName.
func (sc schema) tagging(typeName, name string, n map[string]any) (Tagging, bool) {
	switch {
	case sc.isTagList(n):
		return Tagging{Property: name, Form: FormList}, true
	case sc.isSpecifications(n):
		rt, found := selfResourceType(typeName, sc.resourceTypes(n))
		if !found {
			return Tagging{}, false
		}
		return Tagging{Property: name, Form: FormSpecifications, ResourceType: rt}, true
	case sc.isMap(n):
		return Tagging{Property: name, Form: FormMap}, true
	}
	// an object that only wraps the list (AWS::CloudFront::AnycastIpList:
	// Tags.Items)
	if props, isObj := n["properties"].(map[string]any); isObj && len(props) == 1 && hasType(n, "object") {
		for k, p := range props {
			if pm, isObj := p.(map[string]any); isObj && sc.isTagList(sc.resolve(pm)) {
				return Tagging{Property: name + "." + k, Form: FormList}, true
			}
		}
	}
	return Tagging{}, false
}

// hasType reports whether the schema n allows JSON type t (a missing type
// allows any).
func hasType(n map[string]any, t string) bool {
	switch v := n["type"].(type) {
	case nil:
		return true
	case string:
		return v == t
	case []any:
		return slices.Contains(v, any(t))
	}
	return false
}

// items is the resolved item schema of an array schema n.
func (sc schema) items(n map[string]any) (map[string]any, bool) {
	if _, isArr := n["type"].(string); isArr && n["type"] != "array" {
		return nil, false
	}
	it, isObj := n["items"].(map[string]any)
	if !isObj {
		return nil, false
	}
	return sc.resolve(it), true
}

// hasProperties reports whether object schema n, or one of its
// oneOf/anyOf branches, has all of names as properties.
func (sc schema) hasProperties(n map[string]any, names ...string) bool {
	if props, isObj := n["properties"].(map[string]any); isObj {
		all := true
		for _, k := range names {
			if _, has := props[k]; !has {
				all = false
			}
		}
		if all {
			return true
		}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		branches, _ := n[key].([]any)
		for _, b := range branches {
			if bm, isObj := b.(map[string]any); isObj && sc.hasProperties(sc.resolve(bm), names...) {
				return true
			}
		}
	}
	return false
}

// isTagList: a list of {Key, Value}.
func (sc schema) isTagList(n map[string]any) bool {
	it, isList := sc.items(n)
	return isList && sc.hasProperties(it, "Key", "Value")
}

// isSpecifications: a list of {ResourceType, Tags: [{Key, Value}]}.
func (sc schema) isSpecifications(n map[string]any) bool {
	it, isList := sc.items(n)
	if !isList || !sc.hasProperties(it, "ResourceType", "Tags") {
		return false
	}
	props, _ := it["properties"].(map[string]any)
	tags, _ := props["Tags"].(map[string]any)
	return sc.isTagList(sc.resolve(tags))
}

// isMap: an object of string values without declared properties.
func (sc schema) isMap(n map[string]any) bool {
	if props, _ := n["properties"].(map[string]any); len(props) > 0 {
		return false
	}
	switch t := n["type"].(type) {
	case string:
		return t == "object"
	case []any:
		return slices.Contains(t, any("object"))
	case nil:
		_, pattern := n["patternProperties"].(map[string]any)
		_, additional := n["additionalProperties"].(map[string]any)
		return pattern || additional
	}
	return false
}

// resourceTypes is the enum of the ResourceType of a tag specification
// list n (nil when the schema does not enumerate it).
func (sc schema) resourceTypes(n map[string]any) []string {
	it, _ := sc.items(n)
	props, _ := it["properties"].(map[string]any)
	rt, _ := props["ResourceType"].(map[string]any)
	enum, _ := sc.resolve(rt)["enum"].([]any)
	var out []string
	for _, v := range enum {
		if s, isStr := v.(string); isStr {
			out = append(out, s)
		}
	}
	return out
}

// selfResourceType is the ResourceType value that names a resource of
// typeName itself in its tag specifications. The provider schemas as
// cfn-lint carries them have no descriptions (the CloudFormation reference
// says, for AWS::EC2::LaunchTemplate, "To tag the launch template, the
// resource type must be launch-template"); the value is the kebab-case
// resource name, or its longest suffix, that the ResourceType enum lists
// (LaunchTemplate: launch-template, EC2Fleet: fleet). Without an enum it is
// the kebab-case name.
func selfResourceType(typeName string, enum []string) (string, bool) {
	parts := strings.Split(typeName, "::")
	words := camelWords(parts[len(parts)-1])
	if len(words) == 0 {
		return "", false
	}
	if len(enum) == 0 {
		return strings.Join(words, "-"), true
	}
	for i := range words {
		if c := strings.Join(words[i:], "-"); slices.Contains(enum, c) {
			return c, true
		}
	}
	return "", false
}

// camelWords splits a PascalCase name into lower-case words:
// "LaunchTemplate" is [launch template], "EC2Fleet" [ec2 fleet],
// "VPCEndpoint" [vpc endpoint].
func camelWords(s string) []string {
	rs := []rune(s)
	var words []string
	start := 0
	for i := 1; i < len(rs); i++ {
		prev, cur := rs[i-1], rs[i]
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		boundary := unicode.IsUpper(cur) && (unicode.IsLower(prev) || unicode.IsDigit(prev) ||
			(unicode.IsUpper(prev) && unicode.IsLower(next)))
		if boundary {
			words = append(words, strings.ToLower(string(rs[start:i])))
			start = i
		}
	}
	if start < len(rs) {
		words = append(words, strings.ToLower(string(rs[start:])))
	}
	return words
}
