package tfmap

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfntypes"
)

// Map turns provider-shaped resources into model resources: satellites
// folded into their parents, awscc by naming rule, aws by the table, others
// kept as-is. layer is the model layer of the result (model.LayerTerraform,
// model.LayerPlan, model.LayerEditor). Data sources are not mapped. The
// notes say what could not be mapped, each starting with file:line:column.
//
// What a rule reads as missing is missing exactly when the configuration
// does not set it: an aws_s3_bucket without an
// aws_s3_bucket_server_side_encryption_configuration has no
// BucketEncryption. Since version 4 of the aws provider S3 applies SSE-S3 to
// every new bucket by default, but the CloudFormation shape of such a bucket
// also has no BucketEncryption, so s3-encryption-kms reports it exactly as it
// reports the same bucket written in CloudFormation.
//
// A satellite (aws_s3_bucket_versioning, aws_s3_bucket_public_access_block,
// ...) is folded into the parent its bucket names: by reference to the
// parent (any attribute: id, bucket, arn), or by a literal equal to the
// parent's name. Its values keep the satellite's ranges, so a finding
// points into the satellite's block, and its change (in a plan) becomes an
// update of the parent. A satellite whose parent is not in the resources
// (a bucket passed in as a variable, created elsewhere, or unknown) is
// attached nowhere and reported in a note: a bucket outside the
// configuration cannot be checked as a whole, and checking the satellite
// as a bucket of its own would report settings it cannot have.
//
// Security group rules are no satellites: CloudFormation has them as
// resources of their own, so aws_vpc_security_group_ingress_rule is an
// AWS::EC2::SecurityGroupIngress (egress: AWS::EC2::SecurityGroupEgress)
// with the address the user wrote, GroupId a reference to the group, and
// a finding names that address and points into its block.
// aws_security_group_rule is one or the other by its type. Its
// cidr_blocks, ipv6_cidr_blocks and prefix_list_ids are lists where
// CloudFormation has one source per resource: one element maps to the
// CloudFormation property itself (CidrIp: "0.0.0.0/0"), exactly as a
// CloudFormation resource has it; several map to a list of them
// (CidrIp: ["10.0.0.0/8", "0.0.0.0/0"], the second at CidrIp[1]). Splitting
// such a rule into one CloudFormation resource per source would give many
// resources one address, and a finding could no longer be placed on its
// element; the list keeps one resource per address and every finding on
// the value the user wrote. Rules that read sources of standalone rules
// accept a string or a list of strings.
//
// Region and RegionUnknown carry the region of the resource's provider
// configuration (or of the resource's own region argument, aws provider
// 6) into the model.
func Map(rs []Resource, layer string) ([]model.Resource, []string) {
	// sized for every resource at once: filled on one core, growing
	// by steps would rehash them again and again
	m := &mapper{layer: layer, byAddr: make(map[string]*node, len(rs)), order: make([]*node, 0, len(rs))}
	// Building a resource that is not a satellite reads only the resource
	// and the table: those are built on every core, each with the notes
	// it makes, and taken in input order (notes and all), as one loop
	// would.
	built := make([]node, len(rs))
	made := make([]bool, len(rs))
	notes := make([][]string, len(rs))
	parallel.For(len(rs), 0, func(i int) {
		r := &rs[i]
		if r.Mode == "data" {
			return
		}
		if e := awsTable().Resources[r.Type]; e != nil && e.Parent != nil {
			return
		}
		own := mapper{layer: layer}
		if n := own.build(r); n != nil {
			built[i], made[i] = *n, true
		}
		notes[i] = own.notes
	})
	var sats []int
	count := 0
	for i := range rs {
		m.notes = append(m.notes, notes[i]...)
		notes[i] = nil
		if made[i] {
			n := &built[i]
			m.byAddr[rs[i].Address] = n
			m.order = append(m.order, n)
			count++
			continue
		}
		r := &rs[i]
		if r.Mode == "data" {
			continue
		}
		if e := awsTable().Resources[r.Type]; e != nil && e.Parent != nil {
			sats = append(sats, i)
		}
	}
	m.foldAll(rs, sats)
	m.markUnresolved()
	if count == 0 {
		return nil, m.notes
	}
	// Finishing a node reads and writes only that node (folds are done);
	// what the model resource does not keep of it (the path translations,
	// the before builder) is let go as soon as it is finished.
	out := make([]model.Resource, count)
	at := make([]int, 0, count)
	for i := range built {
		if made[i] {
			at = append(at, i)
		}
	}
	parallel.For(len(at), 0, func(k int) {
		out[k] = built[at[k]].finish(layer)
		built[at[k]] = node{}
	})
	return out, m.notes
}

// foldAll folds the satellites rs[i] for i in sats, as fold would one
// after the other. Which parent each names reads only the resources, so
// all are resolved first, in order (with the notes of those that have
// none); attaching them writes only their parent, so the parents take
// theirs on every core, each its own in input order.
func (m *mapper) foldAll(rs []Resource, sats []int) {
	type family struct {
		parent *node
		sats   []*Resource
	}
	var families []family
	at := make(map[*node]int, len(sats))
	for _, i := range sats {
		r := &rs[i]
		parent := m.parentOf(r)
		if parent == nil {
			continue
		}
		k, ok := at[parent]
		if !ok {
			k = len(families)
			at[parent] = k
			families = append(families, family{parent: parent})
		}
		families[k].sats = append(families[k].sats, r)
	}
	parallel.For(len(families), 0, func(k int) {
		for _, r := range families[k].sats {
			attach(families[k].parent, r)
		}
	})
}

// CloudFormationType returns the CFN type for a Terraform type
// ("aws_s3_bucket" -> "AWS::S3::Bucket"), false if unmapped. A satellite
// has its parent's type; a type with variants (aws_security_group_rule)
// the type of its first (ingress).
func CloudFormationType(tfType string) (string, bool) {
	if e := awsTable().Resources[tfType]; e != nil {
		return e.Type, true
	}
	if t, ok := awsTable().Names[tfType]; ok {
		return t, true
	}
	if strings.HasPrefix(tfType, "awscc_") {
		return awsccCFNType(tfType)
	}
	return "", false
}

type mapper struct {
	layer      string
	byAddr     map[string]*node
	order      []*node
	notes      []string
	unresolved []unresolved
}

// node is one model resource being built.
type node struct {
	src     *Resource
	cfnType string
	e       *entry // nil for awscc and other providers
	b       *builder
	before  *builder
	change  *model.Change
	life    *model.Lifecycle
	lifeRng model.Range
}

// genericEntry maps an aws_* type without an entry: tags as CloudFormation
// tags, everything else PascalCased.
var genericEntry = func() *entry {
	e := &entry{Type: "AWS::Generic::Resource", Attributes: []attrRule{{TF: "tags", CFN: "Tags", Transform: "tags"}}}
	if err := e.compile(&table{}); err != nil {
		panic(err)
	}
	return e
}()

// build maps a resource that is not a satellite; nil when it cannot be
// mapped (a note says why).
func (m *mapper) build(r *Resource) *node {
	n := &node{src: r, b: newBuilder()}
	if r.Lifecycle != nil {
		lc := *r.Lifecycle
		n.life = &lc
		n.lifeRng = r.Ranges["lifecycle.ignore_changes"]
	}
	switch {
	case strings.HasPrefix(r.Type, "aws_"):
		n.e = awsTable().Resources[r.Type]
		if n.e == nil {
			n.e = genericEntry
			if t, ok := awsTable().Names[r.Type]; ok {
				n.cfnType = t
			} else {
				n.cfnType = "Terraform::" + r.Type
			}
		} else {
			if n.e.Variants != nil {
				if n.e = m.variant(r, n.e.Variants); n.e == nil {
					return nil
				}
			}
			n.cfnType = n.e.Type
		}
	case strings.HasPrefix(r.Type, "awscc_"):
		t, ok := awsccCFNType(r.Type)
		if !ok {
			t = "Terraform::" + r.Type
		}
		n.cfnType = t
	default:
		n.cfnType = "Terraform::" + r.Type
	}
	n.fill(n.b, r)
	if r.Change != nil {
		ch := *r.Change
		if ch.Before != nil {
			n.before = newBuilder()
			n.fill(n.before, &Resource{Type: r.Type, Attrs: ch.Before})
		}
		ch.Before = nil
		if n.before != nil {
			ch.Before = n.before.props
		}
		tr := n.translator(n.b, n.before)
		ch.ChangedPaths = translatePaths(ch.ChangedPaths, tr)
		ch.ReplacePaths = translatePaths(ch.ReplacePaths, tr)
		ch.DriftedPaths = translatePaths(ch.DriftedPaths, tr)
		n.change = &ch
	}
	return n
}

// variant picks the entry of a type with variants by the value of its
// attribute (aws_security_group_rule by type), or notes why there is none:
// a rule whose type is not known statically is not checked (as ingress it
// could fail, as egress pass).
func (m *mapper) variant(r *Resource, v *variantSpec) *entry {
	if reason, ok := r.Unknown[v.Attr]; ok {
		m.notef(r, "%s is not known statically (%s), so the rule is not checked", v.Attr, reason)
		return nil
	}
	if ref, ok := r.Refs[v.Attr]; ok {
		m.notef(r, "%s is %s, not known statically, so the rule is not checked", v.Attr, placeholder(ref))
		return nil
	}
	val, _ := r.Attrs[v.Attr].(string)
	e, ok := v.Values[val]
	if !ok {
		m.notef(r, "%s %q is not one of the kinds of rule that are checked", v.Attr, val)
		return nil
	}
	return e
}

// fill writes r's values into b by the node's kind.
func (n *node) fill(b *builder, r *Resource) {
	switch {
	case n.e != nil:
		mapAWS(b, r, n.e)
	case strings.HasPrefix(r.Type, "awscc_"):
		for l := range leaves(r, "", r.Attrs) {
			if p, ok := awsccPath(n.cfnType, l.path); ok {
				b.emit(r, p, l)
			}
		}
	default:
		for l := range leaves(r, "", r.Attrs) {
			b.emit(r, l.path, l)
		}
	}
}

// translator returns the CloudFormation path of a provider path of the
// node's source: the path a value there was written to, the common
// ancestor of the values below it, or else the entry's rules.
func (n *node) translator(bs ...*builder) func(string) (string, bool) {
	written := make([]writtenPaths, len(bs))
	for i, b := range bs {
		if b != nil {
			written[i].tfToCFN = b.tfToCFN
		}
	}
	return func(p string) (string, bool) {
		top, _, _ := strings.Cut(p, ".")
		top, _, _ = strings.Cut(top, "[")
		if top == "tags" || top == "tags_all" {
			return n.tagsPath(), true
		}
		var below []string
		for i, b := range bs {
			if b == nil {
				continue
			}
			if c, ok := b.tfToCFN[p]; ok {
				return c, true
			}
			below = written[i].below(below, p)
		}
		if len(below) > 0 {
			return commonPath(below), true
		}
		switch {
		case n.e != nil:
			c, _, ok := n.e.translate(p)
			return c, ok
		case strings.HasPrefix(n.src.Type, "awscc_"):
			return awsccPath(n.cfnType, p)
		}
		return p, p != ""
	}
}

// tagsPath is where the node's tags go: its entry's tags rule
// (TagSpecifications[0].Tags for aws_launch_template), else Tags.
func (n *node) tagsPath() string {
	if n.e != nil {
		for _, r := range n.e.rules {
			if r.Transform == "tags" {
				return r.CFN
			}
		}
	}
	return "Tags"
}

// translatePaths translates the provider paths ps with tr, each
// CloudFormation path once, in the order of the first path that gives it.
func translatePaths(ps []string, tr func(string) (string, bool)) []string {
	if ps == nil {
		return nil
	}
	out := make([]string, 0, len(ps))
	// A resource's change lists a few dozen paths: the few it gives are
	// searched for one already given, and a set is made only for more
	// (it was half of what translating allocated).
	var seen map[string]bool
	if len(ps) > maxSearchedPaths {
		seen = make(map[string]bool, len(ps))
	}
	for _, p := range ps {
		c, ok := tr(p)
		if !ok || c == "" {
			continue
		}
		if seen != nil {
			if seen[c] {
				continue
			}
			seen[c] = true
		} else if slices.Contains(out, c) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// maxSearchedPaths is the most paths translatePaths translates without a
// set of those given.
const maxSearchedPaths = 32

// writtenPaths is a builder's tfToCFN with its provider paths sorted,
// to find the values written below a path that none was written to
// without reading every path (a change path of a computed attribute, of
// which a plan lists many, misses every time).
type writtenPaths struct {
	tfToCFN map[string]string
	sorted  []string // made on the first miss
}

// below appends the CloudFormation paths of the values written at or
// below the provider path p, in the order of their provider paths. The
// paths that lie at or below p have p as a prefix of their text, so they
// are in the run of sorted paths that begin with p.
func (w *writtenPaths) below(dst []string, p string) []string {
	if w.sorted == nil {
		w.sorted = slices.Sorted(maps.Keys(w.tfToCFN))
	}
	i, _ := slices.BinarySearch(w.sorted, p)
	for ; i < len(w.sorted) && strings.HasPrefix(w.sorted[i], p); i++ {
		if model.HasPrefixPath(w.sorted[i], p) {
			dst = append(dst, w.tfToCFN[w.sorted[i]])
		}
	}
	return dst
}

// commonPath is the longest common ancestor path of ps.
func commonPath(ps []string) string {
	common := model.SplitPath(ps[0])
	for _, p := range ps[1:] {
		segs := model.SplitPath(p)
		n := 0
		for n < len(common) && n < len(segs) && common[n] == segs[n] {
			n++
		}
		common = common[:n]
	}
	return model.JoinPath(common...)
}

// finish assembles the model resource.
func (n *node) finish(layer string) model.Resource {
	r := n.src
	paths := n.b.paths
	if !n.lifeRng.IsZero() {
		paths["lifecycle.ignore_changes"] = n.lifeRng
	}
	props := n.b.props
	// Terraform values may not have the CloudFormation type: list(any)
	// makes [80, 80, "tcp"] strings, which the provider turns back into
	// numbers. References and unknowns stand for values and stay as they are.
	skip := make(map[string]bool, len(n.b.refs)+len(n.b.unknown))
	for p := range n.b.refs {
		skip[p] = true
	}
	for p := range n.b.unknown {
		skip[p] = true
	}
	cfntypes.CoerceProperties(n.cfnType, props, skip)
	region, regionUnknown := r.Region, r.RegionUnknown
	if reg, unknown, rng, ok := ownRegion(r, layer); ok {
		region, regionUnknown = reg, unknown
		if !rng.IsZero() {
			paths[model.RegionPath] = rng
		}
	}
	if region != "" {
		regionUnknown = ""
	}
	return model.Resource{
		Address:       r.Address,
		Type:          n.cfnType,
		SourceType:    r.Type,
		Properties:    props,
		UnknownPaths:  n.b.unknownList(),
		References:    n.b.refs,
		Change:        n.change,
		Lifecycle:     n.life,
		Sensitive:     slices.Sorted(maps.Keys(n.b.sensitive)), // nil when there is none
		Region:        region,
		RegionUnknown: regionUnknown,
		Origin: model.Origin{
			Layer: layer, File: r.File, Range: r.Range, NameRange: r.NameRange,
			Paths: paths, Module: r.Module, CallSite: r.CallSite, Inputs: n.b.inputs,
		},
	}
}

// ownRegion is the region argument of an aws_* resource (aws provider 6
// places a resource in another region than its provider's), with its
// range: ok is false when the resource sets none. The HCL evaluator gives
// only the attributes the configuration sets, so an unknown region there
// was written (region = var.r); in a plan the provider computes region for
// every resource, and a value known only after apply is the provider's
// region, which the plan loader already gave.
func ownRegion(r *Resource, layer string) (region, unknown string, rng model.Range, ok bool) {
	if !strings.HasPrefix(r.Type, "aws_") {
		return "", "", model.Range{}, false
	}
	rng = r.Ranges["region"]
	if reason, isUnknown := r.Unknown["region"]; isUnknown {
		if layer == model.LayerPlan {
			return "", "", model.Range{}, false
		}
		return "", "the region argument of " + r.Address + " is not known statically (" + reason + ")", rng, true
	}
	if ref, isRef := r.Refs["region"]; isRef {
		if layer == model.LayerPlan {
			return "", "", model.Range{}, false
		}
		return "", "the region argument of " + r.Address + " is " + placeholder(ref) + ", not known statically", rng, true
	}
	if s, isString := r.Attrs["region"].(string); isString && s != "" {
		return s, "", rng, true
	}
	return "", "", model.Range{}, false
}

// notef records a note about r, prefixed with its position.
func (m *mapper) notef(r *Resource, format string, args ...any) {
	pos := r.NameRange
	if pos.IsZero() {
		pos = r.Range
	}
	file := r.File
	if pos.Filename != "" {
		file = pos.Filename
	}
	prefix := r.Address
	if file != "" && !pos.IsZero() {
		prefix = fmt.Sprintf("%s:%d:%d: %s", file, pos.Start.Line, pos.Start.Column, r.Address)
	} else if file != "" {
		prefix = file + ": " + r.Address
	}
	m.notes = append(m.notes, prefix+": "+fmt.Sprintf(format, args...))
}
