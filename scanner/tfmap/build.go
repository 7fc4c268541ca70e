package tfmap

import (
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// builder accumulates one model resource's properties, unknown paths,
// references and ranges at CloudFormation paths.
type builder struct {
	props   map[string]any
	unknown map[string]string
	refs    map[string]model.Reference
	paths   map[string]model.Range
	// tfToCFN records which CloudFormation path each provider path of the
	// source resource became, for translating change paths.
	tfToCFN map[string]string
	// sensitive holds the CloudFormation paths of sensitive values.
	sensitive map[string]bool
	// inputs maps CloudFormation paths to the module input that sets them.
	inputs map[string]model.Range
}

func newBuilder() *builder {
	return &builder{props: map[string]any{}, unknown: map[string]string{},
		refs: map[string]model.Reference{}, paths: map[string]model.Range{}, tfToCFN: map[string]string{},
		sensitive: map[string]bool{}, inputs: map[string]model.Range{}}
}

// isSensitive reports whether the provider path p of r, or a path that
// holds it, is sensitive.
func isSensitive(r *Resource, p string) bool {
	for _, s := range r.Sensitive {
		if s == p || s != "" && model.HasPrefixPath(p, s) {
			return true
		}
	}
	return false
}

// leaf is one value of a provider resource: a known scalar, an unknown
// value, or a reference.
type leaf struct {
	path    string
	value   any
	unknown bool
	reason  string
	ref     *Ref
	rng     *model.Range // overrides the range of path (a provider default tag)
}

// emit writes a leaf at cfnPath with the range of its provider path.
func (b *builder) emit(r *Resource, cfnPath string, l leaf) {
	switch {
	case l.ref != nil:
		b.set(cfnPath, placeholder(*l.ref))
		b.refs[cfnPath] = reference(*l.ref)
		delete(b.unknown, cfnPath)
	case l.unknown:
		b.set(cfnPath, nil)
		b.unknown[cfnPath] = l.reason
	default:
		b.set(cfnPath, l.value)
	}
	if l.rng != nil {
		b.paths[cfnPath] = *l.rng
	} else if r != nil && len(r.Ranges) > 0 { // none without the configuration
		if rng, ok := model.NearestRange(r.Ranges, l.path); ok {
			b.paths[cfnPath] = rng
		}
	}
	if r != nil && len(r.Sensitive) > 0 && isSensitive(r, l.path) {
		b.sensitive[cfnPath] = true
	}
	if r != nil && len(r.Inputs) > 0 {
		if in, ok := model.NearestRange(r.Inputs, l.path); ok {
			b.inputs[cfnPath] = in
		}
	}
	if r != nil {
		if l.path != "" {
			b.tfToCFN[l.path] = cfnPath
			if l.rng == nil {
				b.ancestorRanges(r, l.path, cfnPath)
			}
		}
	}
}

// ancestorRanges gives the enclosing CloudFormation objects of a leaf the
// ranges of the provider blocks and objects that hold it, so a finding
// about a property missing inside an object (no KMSMasterKeyID in
// ServerSideEncryptionByDefault) points at that block rather than at the
// resource. Both paths are walked up from the leaf together: a provider
// index with a CloudFormation key on the other side is a single nested
// block ([0]) that CloudFormation writes as an object and is skipped; a
// CloudFormation index facing a provider key means the shapes differ
// there, and the walk stops. Ranges already set are kept.
func (b *builder) ancestorRanges(r *Resource, tfPath, cfnPath string) {
	if !b.ancestorRangesCanonical(r, tfPath, cfnPath) {
		b.ancestorRangesSplit(r, tfPath, cfnPath)
	}
}

// ancestorRangesSplit is ancestorRanges for any paths.
func (b *builder) ancestorRangesSplit(r *Resource, tfPath, cfnPath string) {
	tf, cfn := model.SplitPath(tfPath), model.SplitPath(cfnPath)
	i, j := len(tf), len(cfn)
	for i > 0 && j > 1 {
		_, tfIndex := tf[i-1].(int)
		_, cfnIndex := cfn[j-1].(int)
		switch {
		case tfIndex && !cfnIndex:
			i--
			continue
		case cfnIndex && !tfIndex:
			return
		}
		i, j = i-1, j-1
		at := model.JoinPath(cfn[:j]...)
		if _, ok := b.paths[at]; ok {
			continue
		}
		if i == 0 {
			if !r.NameRange.IsZero() {
				b.paths[at] = r.NameRange
			}
			return
		}
		if rng, ok := r.Ranges[model.JoinPath(tf[:i]...)]; ok && !rng.IsZero() {
			b.paths[at] = rng
		}
	}
}

// ancestorRangesCanonical is ancestorRanges for paths that are written as
// model.JoinPath writes them (as the paths of every value of every
// resource are), without splitting them into boxed segments and joining
// each ancestor's path again: the ancestors' paths are prefixes of the
// text. It runs for every value of every resource. It reports false,
// having done nothing, for a path that is not canonical.
func (b *builder) ancestorRangesCanonical(r *Resource, tfPath, cfnPath string) bool {
	var tfBuf, cfnBuf [16]pathSeg
	tf, ok := canonicalSegs(tfPath, tfBuf[:0])
	if !ok {
		return false
	}
	cfn, ok := canonicalSegs(cfnPath, cfnBuf[:0])
	if !ok {
		return false
	}
	i, j := len(tf), len(cfn)
	for i > 0 && j > 1 {
		tfIndex, cfnIndex := tf[i-1].index, cfn[j-1].index
		switch {
		case tfIndex && !cfnIndex:
			i--
			continue
		case cfnIndex && !tfIndex:
			return true
		}
		i, j = i-1, j-1
		at := cfnPath[:cfn[j-1].end]
		if _, ok := b.paths[at]; ok {
			continue
		}
		if i == 0 {
			if !r.NameRange.IsZero() {
				b.paths[at] = r.NameRange
			}
			return true
		}
		if rng, ok := r.Ranges[tfPath[:tf[i-1].end]]; ok && !rng.IsZero() {
			b.paths[at] = rng
		}
	}
	return true
}

// pathSeg is a segment of a canonical path: whether it is a list index,
// and the offset where it ends in the path's text.
type pathSeg struct {
	index bool
	end   int
}

// canonicalSegs appends the segments of path to segs, as model.SplitPath
// splits it, and reports whether path is canonical: model.JoinPath of
// those segments gives path back, so the path of the first k segments is
// path[:segs[k-1].end]. Keys are separated by dots (none leading,
// trailing or doubled, one before every key but the first), indexes are
// decimal without sign or leading zeros.
func canonicalSegs(path string, segs []pathSeg) ([]pathSeg, bool) {
	for i := 0; i < len(path); {
		if path[i] == '[' {
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				return nil, false
			}
			digits := path[i+1 : i+end]
			if digits == "" || len(digits) > 9 || (digits[0] == '0' && len(digits) > 1) {
				return nil, false
			}
			for k := 0; k < len(digits); k++ {
				if digits[k] < '0' || digits[k] > '9' {
					return nil, false
				}
			}
			i += end + 1
			segs = append(segs, pathSeg{index: true, end: i})
			continue
		}
		if i > 0 {
			if path[i] != '.' {
				return nil, false // a key right after an index: JoinPath puts a dot
			}
			i++
		}
		end := strings.IndexAny(path[i:], ".[")
		if end == 0 || i == len(path) {
			return nil, false // an empty key
		}
		if end < 0 {
			end = len(path) - i
		}
		i += end
		segs = append(segs, pathSeg{end: i})
	}
	return segs, true
}

// placeholder is the readable value a reference stands for.
func placeholder(ref Ref) string {
	if ref.Attribute == "" {
		return "${" + ref.Address + "}"
	}
	return "${" + ref.Address + "." + ref.Attribute + "}"
}

// reference converts a provider reference. A data source is not a resource
// of the configuration, so its type is left empty: a rule must not take
// data.aws_kms_alias.s3 (which may be alias/aws/s3) for a customer key.
func reference(ref Ref) model.Reference {
	out := model.Reference{Address: ref.Address, Attribute: ref.Attribute}
	if !isDataAddress(ref.Address) {
		if t, ok := CloudFormationType(ref.Type); ok {
			out.Type = t
		}
	}
	return out
}

func isDataAddress(addr string) bool {
	return strings.HasPrefix(addr, "data.") || strings.Contains(addr, ".data.")
}

// set stores v at path, creating the maps and lists on the way.
func (b *builder) set(path string, v any) {
	if strings.Trim(path, ".") == "" {
		return // no segments
	}
	b.props = setAt(b.props, path, v).(map[string]any)
}

// setAt stores v at path inside cur, creating the maps and lists on the
// way, with the segments of path as model.SplitPath splits them, read
// from the text as it goes instead of split (and boxed) first: it runs for
// every value of every resource.
func setAt(cur any, path string, v any) any {
	for path != "" && path[0] == '.' {
		path = path[1:]
	}
	if path == "" {
		return v
	}
	var key string
	if path[0] == '[' {
		end := strings.IndexByte(path, ']')
		if end < 0 {
			key, path = path, ""
		} else if n, err := strconv.Atoi(path[1:end]); err != nil {
			key, path = path[1:end], path[end+1:]
		} else {
			l, isList := cur.([]any)
			if isList && n < len(l) {
				// The list keeps its array: cur already holds it, and
				// returning l would box its header again (an allocation
				// for every value written into a list).
				l[n] = setAt(l[n], path[end+1:], v)
				return cur
			}
			for len(l) <= n {
				l = append(l, nil)
			}
			l[n] = setAt(l[n], path[end+1:], v)
			return l
		}
	} else {
		end := strings.IndexAny(path, ".[")
		if end < 0 {
			end = len(path)
		}
		key, path = path[:end], path[end:]
	}
	m, ok := cur.(map[string]any)
	if !ok {
		m = map[string]any{}
	}
	m[key] = setAt(m[key], path, v)
	return m
}

// lookupPath is model.Lookup, reading the segments of path from its text as
// it goes instead of splitting (and boxing) them first: list entries and
// tags ask it for every block of every resource.
func lookupPath(props map[string]any, path string) (any, bool) {
	var cur any = props
	for {
		seg, rest, ok := cutSegment(path)
		if !ok {
			return cur, true
		}
		path = rest
		if seg.isIndex {
			l, ok := cur.([]any)
			if !ok || seg.index < 0 || seg.index >= len(l) {
				return nil, false
			}
			cur = l[seg.index]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg.key]; !ok {
			return nil, false
		}
	}
}

// segment is one segment of a path: a key, or a list index.
type segment struct {
	key     string
	index   int
	isIndex bool
}

// cutSegment cuts the first segment off path as model.SplitPath reads
// it (dots before it skipped, an unclosed "[" making the rest one key, a
// bracket that holds no number a key); ok is false when there is none.
func cutSegment(path string) (seg segment, rest string, ok bool) {
	for path != "" && path[0] == '.' {
		path = path[1:]
	}
	if path == "" {
		return segment{}, "", false
	}
	if path[0] == '[' {
		end := strings.IndexByte(path, ']')
		if end < 0 {
			return segment{key: path}, "", true
		}
		if n, err := strconv.Atoi(path[1:end]); err == nil {
			return segment{index: n, isIndex: true}, path[end+1:], true
		}
		return segment{key: path[1:end]}, path[end+1:], true
	}
	end := strings.IndexAny(path, ".[")
	if end < 0 {
		end = len(path)
	}
	return segment{key: path[:end]}, path[end:], true
}

// length is the length of the list at path (0 when there is none).
func (b *builder) length(path string) int {
	v, _ := lookupPath(b.props, path)
	l, _ := v.([]any)
	return len(l)
}

// clear removes everything at or below the top-level property top.
func (b *builder) clear(top string) {
	delete(b.props, top)
	for p := range b.unknown {
		if model.HasPrefixPath(p, top) {
			delete(b.unknown, p)
		}
	}
	for p := range b.refs {
		if model.HasPrefixPath(p, top) {
			delete(b.refs, p)
		}
	}
	for p := range b.paths {
		if model.HasPrefixPath(p, top) {
			delete(b.paths, p)
		}
	}
	for tf, c := range b.tfToCFN {
		if model.HasPrefixPath(c, top) {
			delete(b.tfToCFN, tf)
		}
	}
}

// unknownList returns the unknown paths sorted, without those that hold a
// reference (a reference is not unknown) or lie below another unknown path.
func (b *builder) unknownList() []model.Unknown {
	out := []model.Unknown{}
	keys := make([]string, 0, len(b.unknown))
	for p := range b.unknown {
		if _, isRef := b.refs[p]; !isRef {
			keys = append(keys, p)
		}
	}
	sort.Strings(keys)
	for _, p := range keys {
		covered := false
		for q := model.ParentPath(p); q != ""; q = model.ParentPath(q) {
			if _, ok := b.unknown[q]; ok {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, model.Unknown{Path: p, Reason: b.unknown[p]})
		}
	}
	return out
}

// leaves yields the values of r at and below root (root "" is the whole
// resource) in path order: a path in r.Refs is a reference leaf, a path in
// r.Unknown an unknown leaf, a scalar a value leaf; null values and empty
// collections are not set and yield nothing. They are yielded as the walk
// finds them, not gathered in a slice first: it runs over every value of
// every resource, and the slices grown for that were a sixth of what
// mapping a plan allocated.
func leaves(r *Resource, root string, v any) iter.Seq[leaf] {
	return func(yield func(leaf) bool) {
		// seen is read only to find the extra leaves below, from r.Refs
		// and r.Unknown: without either there are none, and no need to
		// record.
		var seen map[string]bool
		if len(r.Refs) > 0 || len(r.Unknown) > 0 {
			seen = map[string]bool{}
		}
		if !walkLeaves(r, root, v, seen, yield) || seen == nil {
			return
		}
		for _, l := range extraLeaves(r, root, seen) {
			if !yield(l) {
				return
			}
		}
	}
}

// walkLeaves yields the leaves of the value v at path p (see leaves),
// recording their paths in seen when it is not nil; false when yield
// asked to stop.
func walkLeaves(r *Resource, p string, v any, seen map[string]bool, yield func(leaf) bool) bool {
	if p != "" && seen != nil {
		if ref, ok := r.Refs[p]; ok {
			seen[p] = true
			return yield(leaf{path: p, ref: &ref})
		}
		if reason, ok := r.Unknown[p]; ok {
			seen[p] = true
			return yield(leaf{path: p, unknown: true, reason: reason})
		}
	}
	switch x := v.(type) {
	case nil:
	case map[string]any:
		// sorted into a slice of the right size at once: this runs
		// for every object of every resource
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !walkLeaves(r, model.AppendKey(p, k), x[k], seen, yield) {
				return false
			}
		}
	case []any:
		for i, e := range x {
			if !walkLeaves(r, model.AppendIndex(p, i), e, seen, yield) {
				return false
			}
		}
	default:
		if seen != nil {
			seen[p] = true
		}
		return yield(leaf{path: p, value: x})
	}
	return true
}

// extraLeaves are the unknown values and references below root that the
// attribute values do not hold (the producer stored nil and no container
// for them), sorted by path.
func extraLeaves(r *Resource, root string, seen map[string]bool) []leaf {
	var extra []leaf
	for p, ref := range r.Refs {
		if !seen[p] && under(p, root) && !coveredBySeen(p, seen) {
			ref := ref
			extra = append(extra, leaf{path: p, ref: &ref})
		}
	}
	for p, reason := range r.Unknown {
		if _, isRef := r.Refs[p]; !isRef && !seen[p] && under(p, root) && !coveredBySeen(p, seen) {
			extra = append(extra, leaf{path: p, unknown: true, reason: reason})
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].path < extra[j].path })
	return extra
}

func under(p, root string) bool { return p != "" && model.HasPrefixPath(p, root) }

func coveredBySeen(p string, seen map[string]bool) bool {
	for q := model.ParentPath(p); q != ""; q = model.ParentPath(q) {
		if seen[q] {
			return true
		}
	}
	return false
}
