package cfn

import (
	"bytes"
	"errors"
	"io"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamltag"
)

// A large block-style YAML template is not parsed as one document: the
// node tree of a whole document takes about fifteen times the input
// (a 15 MB template of 110,000 buckets: 250 MB), and while Load builds
// the model it holds the tree and the model at once. Instead a cheap
// pre-scan of the lines finds the byte range of every top-level section
// and of every entry of the Resources section ("chunks"), and each chunk
// is parsed on its own, its nodes' lines moved to where they are in the
// file. The sections other than Resources are parsed up front and make
// the root mapping the loader reads; the resources are parsed twice, a
// batch of a few kilobytes at a time (once to validate and declare them,
// once to evaluate them), so that only one batch's nodes are alive at
// any moment.
//
// A chunk keeps its lines exactly as in the file, indentation included,
// so node columns, and the byte offsets and scalar ends the loader finds
// in the file's text, are those of the whole-document parse; lines are
// shifted by the chunk's first line. The pre-scan accepts only a layout in
// which splitting provably cannot change how a chunk parses, and Load
// parses the whole document as before whenever it does not accept the
// layout or any chunk fails to parse or validate (errors and their
// positions then come from the whole-document parse, as they always
// did).

// splitMinBytes is the size from which a template is parsed in chunks.
// Below it the node tree is a few MB at most and one parse is cheaper
// than the chunks' two. A variable so that tests can split every
// template.
var splitMinBytes = 256 << 10

// chunk is the text of one top-level entry of the template or of its
// Resources section: whole lines, from the line of its key to the line
// before the next entry's key (comment and blank lines included).
type chunk struct {
	start, end int    // byte offsets in the source
	line       int    // 1-based line of its first line
	key        string // its key, as the pre-scan read it
}

// splitSource is what the loader needs of a template parsed in chunks:
// the chunks of the Resources section, parsed in batches of consecutive
// chunks (one parser for a few kilobytes of text: a parser of its own for
// every resource would allocate three times what the resources' nodes
// take), and the batch whose nodes are in use.
type splitSource struct {
	resources []chunk
	batches   []int // index in resources of the first chunk of every batch
	cur       int   // the batch nodes holds, -1 for none
	nodes     []*yaml.Node
}

// batchBytes is about how much text a batch of resources holds.
const batchBytes = 32 << 10

func newSplitSource(resources []chunk) *splitSource {
	sp := &splitSource{resources: resources, cur: -1}
	from := 0
	for i, c := range resources {
		if i == 0 || c.end-resources[from].start > batchBytes {
			sp.batches = append(sp.batches, i)
			from = i
		}
	}
	return sp
}

// splitLayout pre-scans src. It returns the chunks of the top-level
// sections (the Resources section's chunk holds only its key line) and
// those of the resources; ok is false unless every rule below holds:
//
//   - no byte order mark, tab, carriage return or NUL, and no '&' (so no
//     anchor, and an alias is a parse error in a chunk as in the whole);
//   - no "Rain::" (hasRain walks every node), no "Fn::ForEach" (loops
//     declare resources from the whole section), and no keep chomping
//     indicator (|+ >+: trailing blank lines would belong to a block
//     scalar at the end of a chunk and to nothing at the end of the
//     whole);
//   - every line that is not blank or a comment is either a top-level key
//     line at column 1 ("Name:" alone or followed by a space), or, in the
//     Resources section, a resource key line ("LogicalId:") at the
//     indentation of the section's first entry, or a line indented deeper
//     than that entry (deeper than column 1 outside Resources); nothing
//     comes before the first key line (no directives, no "---");
//   - the Resources line holds only its key (and a comment), and the
//     section has at least one entry;
//   - no key repeats, among the sections or among the resources.
//
// Under these rules a chunk starts where the whole-document parser is
// at the start of a line in block context, with every open node ending
// at or before that line (every construct that may continue on a less
// indented line, a quoted scalar or a flow collection, would be cut
// open at the chunk's end, and the chunk fails to parse).
func splitLayout(src []byte) (sections []chunk, resources []chunk, ok bool) {
	if len(src) < splitMinBytes || bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) ||
		bytes.ContainsAny(src, "\t\r\x00&") ||
		bytes.Contains(src, []byte("Rain::")) || bytes.Contains(src, []byte("Fn::ForEach")) ||
		keepChomping(src) {
		return nil, nil, false
	}
	const (
		inNone = iota
		inSection
		inResources
	)
	state, resIndent := inNone, -1
	seen := map[string]bool{}
	ids := map[string]bool{}
	closeLast := func(list []chunk, at int) {
		if n := len(list); n > 0 && list[n-1].end < 0 {
			list[n-1].end = at
		}
	}
	line := 0
	for start := 0; start < len(src); {
		line++
		end := len(src)
		if nl := bytes.IndexByte(src[start:], '\n'); nl >= 0 {
			end = start + nl + 1
		}
		text := src[start:end]
		indent := 0
		for indent < len(text) && text[indent] == ' ' {
			indent++
		}
		rest := text[indent:]
		if len(bytes.TrimRight(rest, "\n ")) == 0 || rest[0] == '#' {
			start = end
			continue
		}
		switch {
		case indent == 0:
			key, tail, isKey := keyLine(rest)
			if !isKey || seen[key] {
				return nil, nil, false
			}
			seen[key] = true
			closeLast(sections, start)
			closeLast(resources, start)
			sections = append(sections, chunk{start: start, end: -1, line: line, key: key})
			state = inSection
			if key == "Resources" {
				if t := bytes.TrimLeft(tail, " "); len(t) > 0 && t[0] != '\n' && t[0] != '#' {
					return nil, nil, false // a flow mapping or a value on the key's line
				}
				sections[len(sections)-1].end = end
				state, resIndent = inResources, -1
			}
		case state == inNone:
			return nil, nil, false
		case state == inResources:
			if resIndent < 0 {
				resIndent = indent
			}
			if indent < resIndent {
				return nil, nil, false
			}
			if indent == resIndent {
				key, _, isKey := keyLine(rest)
				if !isKey || ids[key] {
					return nil, nil, false
				}
				ids[key] = true
				closeLast(resources, start)
				resources = append(resources, chunk{start: start, end: -1, line: line, key: key})
			}
		}
		start = end
	}
	closeLast(sections, len(src))
	closeLast(resources, len(src))
	if len(resources) == 0 {
		return nil, nil, false
	}
	return sections, resources, true
}

// keyLine reports whether a line (from its first non-space byte) starts
// with a plain alphanumeric key and a colon followed by a space or the end
// of the line; tail is what follows the colon.
func keyLine(s []byte) (key string, tail []byte, ok bool) {
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != ':' {
		return "", nil, false
	}
	tail = s[i+1:]
	if len(tail) > 0 && tail[0] != ' ' && tail[0] != '\n' {
		return "", nil, false
	}
	return string(s[:i]), tail, true
}

// keepChomping reports whether src may hold a block scalar header with
// the keep chomping indicator (|+, >+, |2+, ...).
func keepChomping(src []byte) bool {
	for i := bytes.IndexByte(src, '+'); i >= 0; {
		j := i - 1
		if j >= 0 && src[j] >= '1' && src[j] <= '9' {
			j--
		}
		if j >= 0 && (src[j] == '|' || src[j] == '>') {
			return true
		}
		next := bytes.IndexByte(src[i+1:], '+')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// parseSplit parses a template laid out as splitLayout accepts in chunks:
// the root mapping with every section but the resources, whose chunks the
// loader parses a batch at a time (parseBatch, resourceNodes). ok is false when a section
// does not parse or validate as it would in the whole document.
func parseSplit(file string, src []byte, sections, resources []chunk) (*source, bool) {
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: yamltag.Map}
	for _, c := range sections {
		k, v, ok := parseChunk(file, src, c, 0, true)
		if !ok {
			return nil, false
		}
		if c.key == "Resources" {
			if !isNull(v) || v.Tag != yamltag.Null {
				return nil, false
			}
			// The section's mapping as the whole parse makes it: it starts
			// at its first key. Its entries stay in the chunks.
			first := resources[0]
			v = &yaml.Node{Kind: yaml.MappingNode, Tag: yamltag.Map, Line: first.line,
				Column: 1 + first.start - lineStartOf(src, first.start) + indentOf(src[first.start:])}
		}
		if len(root.Content) == 0 {
			root.Line, root.Column = k.Line, k.Column
		}
		root.Content = append(root.Content, k, v)
	}
	return &source{file: file, src: src, lines: lineStarts(src), root: root, split: newSplitSource(resources)}, true
}

func lineStartOf(src []byte, off int) int { return bytes.LastIndexByte(src[:off], '\n') + 1 }

func indentOf(b []byte) int {
	n := 0
	for n < len(b) && b[n] == ' ' {
		n++
	}
	return n
}

// parseBatch parses batch b of the resources: the logical id's node and
// the declaration of each, alternating. check validates them as the
// whole-document parse does (the loader's first pass); ok is false when
// they do not parse or validate.
func (s *source) parseBatch(b int, check bool) (nodes []*yaml.Node, ok bool) {
	sp := s.split
	from, to := sp.batches[b], len(sp.resources)
	if b+1 < len(sp.batches) {
		to = sp.batches[b+1]
	}
	// One level deeper than a section: the whole document's Resources
	// mapping holds the declarations.
	return parseChunks(s.file, s.src, sp.resources[from:to], 1, check)
}

// resourceNodes returns the logical id's node and the declaration of
// resource i, parsing its batch unless it is the one last parsed: the
// loader's second pass asks for the resources in order.
func (s *source) resourceNodes(i int) (key, decl *yaml.Node, ok bool) {
	sp := s.split
	b := sort.SearchInts(sp.batches, i+1) - 1
	if b != sp.cur {
		sp.cur, sp.nodes = -1, nil
		if sp.nodes, ok = s.parseBatch(b, false); !ok {
			return nil, nil, false
		}
		sp.cur = b
	}
	j := 2 * (i - sp.batches[b])
	return sp.nodes[j], sp.nodes[j+1], true
}

// parseChunk parses one chunk: see parseChunks.
func parseChunk(file string, src []byte, c chunk, depth int, check bool) (key, val *yaml.Node, ok bool) {
	nodes, ok := parseChunks(file, src, []chunk{c}, depth, check)
	if !ok {
		return nil, nil, false
	}
	return nodes[0], nodes[1], true
}

// parseChunks parses consecutive chunks as one mapping, which must hold
// exactly their keys, each at the column and line where the pre-scan
// found it. depth is the nesting of that mapping in the whole document
// less one. The nodes' lines are moved to their lines in the file. It
// returns the key and value nodes of the chunks, alternating.
func parseChunks(file string, src []byte, cs []chunk, depth int, check bool) (nodes []*yaml.Node, ok bool) {
	first, last := cs[0], cs[len(cs)-1]
	dec := yaml.NewDecoder(bytes.NewReader(src[first.start:last.end]))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode || len(m.Content) != 2*len(cs) || m.Tag != yamltag.Map {
		return nil, false
	}
	for i, c := range cs {
		k := m.Content[2*i]
		if k.Kind != yaml.ScalarNode || k.Value != c.key || k.Line != c.line-first.line+1 || k.Column != 1+indentOf(src[c.start:c.end]) {
			return nil, false
		}
	}
	if check && validate(file, &doc, depth) != nil {
		return nil, false
	}
	shiftLines(m, first.line-1)
	return m.Content, true
}

// shiftLines moves every node of the tree at n down by off lines.
func shiftLines(n *yaml.Node, off int) {
	if n.Line > 0 {
		n.Line += off
	}
	for _, c := range n.Content {
		shiftLines(c, off)
	}
}
