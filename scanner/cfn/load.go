package cfn

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamltag"
	"github.com/stackgate/stackgate/policies/model"
)

// Options for loading.
type Options struct {
	// Params are stack parameter values (--param Name=Value and parameter
	// files); they override parameter Defaults.
	Params map[string]string
	// Pseudo parameters, when known ("" = unknown). Partition is derived
	// from Region when not given.
	Region, AccountID, Partition, StackName string
	// MaxBytes bounds the template size; 0 means DefaultMaxBytes.
	MaxBytes int64
}

// Template is a loaded CloudFormation template.
type Template struct {
	File string
	// Resources in template order, without those whose Condition is false.
	// Origin.Layer is model.LayerCloudFormation and Origin.File is File.
	Resources []model.Resource
	// Notes are non-fatal remarks for the user, e.g. about transforms or
	// resources kept because their condition could not be decided.
	Notes []string
	// Resources of a large template may share the mappings of scalars in
	// their Properties that are equal (see leafKey): the properties are
	// read-only.
	//
	// Suppressions declared in resources' Metadata (stackgate.ignore), the
	// form JSON templates, which have no comments, can use.
	Suppressions []model.Suppression
	// Parameters are the names of the parameters the template declares,
	// sorted: what a --param may name.
	Parameters []string
}

// loader holds the state of one Load call.
type loader struct {
	src      *source
	opts     Options
	params   map[string]*param
	conds    map[string]*condState
	mappings *yaml.Node
	// types maps every logical id (after Fn::ForEach expansion) to its
	// resource type, for references.
	types map[string]string
	errs  ErrorList
	notes []string
	noted map[string]bool // notes already recorded
	// pattern is the path of the value the emitter is at, with list
	// indexes written as [], the form the type table uses. Only looked
	// up, it is built in place rather than as a string per value, in a
	// buffer kept from one resource to the next.
	pattern []byte
	// strs interns the keys, paths and short strings of the resources
	// of a large template (see intern); nil otherwise.
	strs map[string]string
	// leaves holds the mappings of scalars already emitted, by content,
	// for a large template (see leafKey); nil otherwise.
	leaves map[string]map[string]any
	// What runs on the template before CloudFormation reads it: the SAM
	// transform, other macros, rain directives. openers says what may
	// add names the template does not declare (see generated).
	sam     bool
	macros  []string
	rain    bool
	openers []string
	// serverless lists the AWS::Serverless resources (built on first use).
	serverless []string
	generators map[string]string // generator's answer by id
	// mappingsIncluded and condsIncluded say which Fn::Transform adds to
	// the Mappings or Conditions section ("" for none).
	mappingsIncluded, condsIncluded string
	// condPatterns are the names of conditions a Fn::ForEach loop with an
	// unknown collection declares.
	condPatterns []condPattern
	values       int  // values produced so far
	budget       int  // values allowed: the template's own plus maxValues of expansion
	fatal        bool // stop evaluating: too many errors or values
}

// entry is one resource declaration, after Fn::ForEach expansion.
type entry struct {
	id       string
	key      *yaml.Node // the logical id (or the Fn::ForEach key that made it)
	decl     *yaml.Node
	bindings map[string]string
	// slot is the index of key in the Resources section's Content for a
	// declaration of the section itself; -1 for one a Fn::ForEach made.
	// In a template parsed in chunks it is the index of the declaration's
	// chunk (see collectSplit).
	slot int
}

// Load parses and evaluates a CloudFormation template. Errors are a
// *model.Error or an ErrorList of them; a template with errors yields no
// resources, as CloudFormation would reject it.
func Load(file string, src []byte, opts Options) (*Template, error) {
	limit := maxBytes(opts)
	sections, resources, brace, split := layout(file, src, limit)
	// A template parsed in chunks is not decoded whole here: the chunks
	// keep its node tree small.
	doc, err := checkDoc(file, src, limit, !split)
	if err != nil {
		return nil, err
	}
	if split {
		if s, ok := parseSplit(file, src, sections, resources, brace); ok {
			if tpl, err := load(s, opts); err != errParseWhole {
				return tpl, err
			}
		}
	}
	// The whole document: a template splitLayout does not accept, or one
	// with a chunk that does not parse or validate, whose errors and their
	// positions are the whole parse's.
	var s *source
	if split {
		s, err = parseWhole(file, src)
	} else {
		s, err = parseNodes(file, src, doc)
	}
	if err == nil {
		err = checkRoot(s)
	}
	if err != nil {
		return nil, err
	}
	return load(s, opts)
}

// layout pre-scans src for parsing in chunks (see split.go): ok is false
// when src is to be parsed whole. A template over the size limit, which
// checkDoc rejects, is not scanned.
func layout(file string, src []byte, limit int64) (sections, resources []chunk, brace int, ok bool) {
	if int64(len(src)) > limit {
		return nil, nil, -1, false
	}
	if isJSONFile(file) {
		return splitLayoutJSON(src)
	}
	sections, resources, ok = splitLayout(src)
	return sections, resources, -1, ok
}

// errParseWhole is load's answer for a template parsed in chunks when a
// resource's chunk does not parse or validate: the template must then be
// parsed whole. It never leaves the package.
var errParseWhole = errors.New("cfn: parse the template whole")

// load loads a parsed template.
func load(s *source, opts Options) (*Template, error) {
	src := s.src
	l := &loader{src: s, opts: opts, types: map[string]string{}, budget: maxValues + len(src)/2}
	if len(src) >= splitMinBytes {
		l.leaves = map[string]map[string]any{}
		l.strs = make(map[string]string, 256)
	}
	root := s.root

	if l.rain = hasRain(root); l.rain {
		l.opened("rain directives (such as !Rain::Module) add to the template when `rain pkg` runs; scan the `rain pkg` output to settle it")
	}
	l.transforms(mapGet(root, "Transform"))
	l.sections(root)
	if m := mapGet(root, "Mappings"); !isNull(m) {
		if m.Kind != yaml.MappingNode {
			l.errorf(m, "Mappings must be a mapping, not %s", kindName(m))
		} else {
			l.mappings = m
			for i := 0; i+1 < len(m.Content); i += 2 {
				if m.Content[i].Value == "Fn::Transform" {
					l.mappingsIncluded = l.sectionTransform("Mappings", m.Content[i], m.Content[i+1])
				}
			}
		}
	}
	l.loadParams(mapGet(root, "Parameters"))

	sec := mapGet(root, "Resources")
	if sec == nil {
		l.errorf(root, "template has no Resources section")
		return nil, l.errs.Err()
	}
	if sec.Kind != yaml.MappingNode {
		l.errorf(sec, "Resources must be a mapping of logical ids to resources, not %s", kindName(sec))
		return nil, l.errs.Err()
	}
	var entries []entry
	if s.split != nil {
		var ok bool
		if entries, ok = l.collectSplit(); !ok {
			return nil, errParseWhole
		}
	} else {
		entries = l.collect(sec, nil, 0)
	}
	l.loadConditions(mapGet(root, "Conditions"))

	tpl := &Template{File: s.file, Resources: make([]model.Resource, 0, len(entries)), Parameters: slices.Sorted(maps.Keys(l.params))}
	for i, e := range entries {
		if l.fatal {
			break
		}
		if s.split != nil {
			// The declaration's second parse (see collectSplit); its
			// nodes go with its batch.
			var parsed bool
			if e.key, e.decl, parsed = s.resourceNodes(e.slot); !parsed {
				return nil, errParseWhole // it parsed in collectSplit
			}
		}
		if r, ok := l.resource(e); ok {
			tpl.Resources = append(tpl.Resources, r)
			tpl.Suppressions = append(tpl.Suppressions, l.metadataSuppressions(e, r.Origin.NameRange.Start.Line)...)
		}
		entries[i] = entry{}
		if e.slot >= 0 && s.split == nil {
			// A declaration of the section itself (not a Fn::ForEach
			// body, which serves every iteration): nothing reads its
			// nodes again, so let them go. On a large template the node
			// tree is most of the memory Load uses, and the nodes of one
			// resource share memory pages: all of them must go for the
			// pages to be reused.
			sec.Content[e.slot], sec.Content[e.slot+1] = nil, nil
		}
	}
	if err := l.errs.Err(); err != nil {
		return nil, err
	}
	tpl.Notes = l.notes
	return tpl, nil
}

func (l *loader) note(format string, args ...any) {
	l.notes = append(l.notes, l.src.file+": "+fmt.Sprintf(format, args...))
}

// transforms notes what the template's Transform section means for the
// scan: macros run at deploy time, so the resources are checked as
// declared.
func (l *loader) transforms(n *yaml.Node) {
	if isNull(n) {
		return
	}
	var names []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode, yaml.MappingNode:
		names = []*yaml.Node{n}
	case yaml.SequenceNode:
		names = n.Content
	}
	for _, t := range names {
		name := t.Value
		if t.Kind == yaml.MappingNode {
			if nm := mapGet(t, "Name"); nm != nil {
				name = nm.Value
			}
		}
		switch name {
		case samTransform:
			l.sam = true
			l.note("Transform AWS::Serverless-2016-10-31: AWS::Serverless resources are checked as declared, not as the resources SAM expands them to")
		case "AWS::LanguageExtensions":
			l.note("Transform AWS::LanguageExtensions: Fn::ForEach, Fn::Length, Fn::ToJsonString and Fn::FindInMap defaults are evaluated where their arguments are known")
		case "":
			l.errorf(t, "Transform must name a transform or macro")
		default:
			l.macros = append(l.macros, name)
			l.opened("the template's Transform " + name + " is a macro that may add it at deploy time")
			l.note("Transform %s is a macro that runs at deploy time and may change the template; resources are checked as declared", name)
		}
	}
}

// collect lists the resource declarations of the Resources section,
// expanding Fn::ForEach loops, and records every logical id's type.
func (l *loader) collect(sec *yaml.Node, bindings map[string]string, depth int) []entry {
	var out []entry
	for i := 0; i+1 < len(sec.Content); i += 2 {
		k, decl := sec.Content[i], sec.Content[i+1]
		if len(k.Value) > len("Fn::ForEach::") && k.Value[:len("Fn::ForEach::")] == "Fn::ForEach::" {
			out = append(out, l.forEach(k, decl, bindings, depth)...)
			continue
		}
		if k.Value == "Fn::Transform" {
			l.sectionTransform("Resources", k, decl)
			continue
		}
		if e, ok := l.declare(k.Value, k, decl, bindings); ok {
			e.slot = -1
			if bindings == nil && depth == 0 {
				e.slot = i
			}
			out = append(out, e)
		}
	}
	return out
}

// collectSplit is collect for a template parsed in chunks: the
// resources' chunks are parsed (a batch at a time), validated and
// declared, and their nodes dropped; Load parses them again when it
// evaluates the resources, so that the nodes of one batch at a time are
// alive. The entries' slots are the chunks' indexes. ok is false when a chunk does not parse or
// validate as in the whole document.
func (l *loader) collectSplit() ([]entry, bool) {
	sp := l.src.split
	out := make([]entry, 0, len(sp.resources))
	for b, from := range sp.batches {
		nodes, ok := l.src.parseBatch(b, true)
		if !ok {
			return nil, false
		}
		for j := 0; j+1 < len(nodes); j += 2 {
			k, decl := nodes[j], nodes[j+1]
			if e, ok := l.declare(k.Value, k, decl, nil); ok {
				e.key, e.decl, e.slot = nil, nil, from+j/2
				out = append(out, e)
			}
		}
	}
	return out, true
}

// declare checks one resource declaration and records its type.
func (l *loader) declare(id string, key, decl *yaml.Node, bindings map[string]string) (entry, bool) {
	if decl.Kind != yaml.MappingNode {
		l.errorf(key, "resource %s must be a mapping with a Type, not %s", id, kindName(decl))
		return entry{}, false
	}
	typ := mapGet(decl, "Type")
	if t := mapGet(decl, "Fn::Transform"); t != nil && typ == nil {
		name := macroName(t)
		l.noteAt(key, "resource %s is made by Fn::Transform (%s) at deploy time; it is not checked", id, name)
		l.opened("Fn::Transform (" + name + ") in resource " + id + " may add it at deploy time")
		return entry{}, false
	}
	if typ == nil || isNull(typ) {
		l.errorf(key, "resource %s has no Type", id)
		return entry{}, false
	}
	directive := ""
	if strings.HasPrefix(typ.Tag, "!Rain::") {
		directive = typ.Tag
	} else if typ.Kind == yaml.MappingNode && len(typ.Content) == 2 && strings.HasPrefix(typ.Content[0].Value, "Rain::") {
		directive = "!" + typ.Content[0].Value
	}
	if directive != "" {
		l.noteAt(typ, "resource %s is %s, a rain directive that `rain pkg` expands: the resources it makes are not checked here; scan the `rain pkg` output to settle it", id, directive)
		return entry{}, false
	}
	if typ.Kind != yaml.ScalarNode || typ.Value == "" || (typ.Tag != "" && typ.ShortTag() != yamltag.Str) {
		l.errorf(typ, "resource %s: Type must be a string such as AWS::S3::Bucket", id)
		return entry{}, false
	}
	if prev, dup := l.types[id]; dup {
		l.errorf(key, "resource %s is declared more than once (as %s and %s)", id, prev, typ.Value)
		return entry{}, false
	}
	if _, clash := l.params[id]; clash {
		l.errorf(key, "logical id %s is used by both a parameter and a resource", id)
		return entry{}, false
	}
	l.types[id] = typ.Value
	return entry{id: id, key: key, decl: decl, bindings: bindings}, true
}

// resource evaluates one declaration. ok is false when its Condition is
// false (or the declaration is invalid).
func (l *loader) resource(e entry) (model.Resource, bool) {
	sc := &scope{bindings: e.bindings}
	if c := mapGet(e.decl, "Condition"); c != nil {
		if c.Kind != yaml.ScalarNode || c.Value == "" {
			l.errorf(c, "resource %s: Condition must be the name of a condition", e.id)
			return model.Resource{}, false
		}
		t := l.condition(c.Value, c, sc)
		if t.known && !t.val {
			return model.Resource{}, false
		}
		if !t.known {
			// Leaving the resource out would pass it silently; checking it
			// as if deployed reports what it would violate.
			l.note("resource %s is checked as if it is deployed: %s", e.id, t.reason)
		}
	}
	typ := l.types[e.id]
	r := model.Resource{
		Address:      e.id,
		Type:         typ,
		SourceType:   typ,
		Properties:   map[string]any{},
		UnknownPaths: []model.Unknown{},
		References:   map[string]model.Reference{},
		Origin: model.Origin{
			Layer:     model.LayerCloudFormation,
			File:      l.src.file,
			Range:     l.src.spanOf(e.key, e.decl),
			NameRange: l.src.rangeOf(e.key),
		},
	}
	// A table, not a map: on a large template the ranges of every path
	// would be a fifth of the memory kept. It is made with room for
	// exactly the paths it gets, so that it is neither grown nor trimmed.
	props := mapGet(e.decl, "Properties")
	if isNull(props) {
		r.Origin.PathTable = model.NewPathTable(l.src.file, 1)
		r.Origin.PathTable.Set("", r.Origin.NameRange)
		r.Origin.PathTable.Seal()
		return r, true
	}
	em := emitter{l: l, r: &r, typ: typ}
	v := l.eval(props, sc)
	if l.fatal {
		return model.Resource{}, false
	}
	paths := 1 // Properties itself
	if v.kind == vMap {
		paths += v.paths()
	}
	r.Origin.PathTable = model.NewPathTable(l.src.file, paths)
	switch v.kind {
	case vMap:
		r.Properties = em.object(v, "")
	case vUnknown:
		r.UnknownPaths = append(r.UnknownPaths, model.Unknown{Path: "", Reason: v.reason})
	case vNoValue:
	default:
		l.errorf(props, "resource %s: Properties must be a mapping, not %s", e.id, valueKind(v))
		return model.Resource{}, false
	}
	r.Origin.PathTable.Set("", l.src.rangeOf(props))
	r.Origin.PathTable.Seal()
	return r, true
}
