package cfn

import (
	"bytes"
	"errors"
	"io"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamltag"
)

// A large block-style YAML template (or a JSON one laid out a member a
// line, see splitLayoutJSON) is not parsed as one document: the
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
// shifted by the chunk's first line. The pre-scan accepts only layouts in
// which splitting cannot change how a chunk parses (see splitLayout for
// the argument; the tests compare the chunks' nodes with the whole
// parse's, and FuzzSplit the loads), and Load
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
	// sep is the offset of the comma after a JSON member, which a chunk
	// parsed alone must not hold (blanked, so columns stay); 0 for none.
	sep int
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

// splitLayoutJSON is splitLayout for a JSON template (which checkJSON
// found valid), laid out one member a line as JSON pretty-printers write
// it (CDK, cfn-flip, json.MarshalIndent). It returns the offset of the
// opening brace. Besides the rules of splitLayout on the bytes of src
// (no tab, carriage return, '&', "Rain::", "Fn::ForEach"):
//
//   - the first line is "{" alone, the last "}" alone, both at column 1;
//   - every other line is indented, the members of the template at the
//     indentation of the first: a member's line starts with its quoted
//     alphanumeric name and a colon, a line at that indentation that does
//     not is one closing bracket (with its comma);
//   - "Resources": { is the whole of its line, and so at their own deeper
//     indentation are the resources' lines; the line at the template's
//     indentation after them closes the section;
//   - no name repeats, among the sections or among the resources.
//
// Each chunk is then one member, its value closed on its last line, and
// its comma, the last byte before the next member's line (src is valid
// JSON), is blanked when it is parsed (chunk.sep).
func splitLayoutJSON(src []byte) (sections, resources []chunk, brace int, ok bool) {
	if len(src) < splitMinBytes || bytes.ContainsAny(src, "\t\r\x00&") ||
		bytes.Contains(src, []byte("Rain::")) || bytes.Contains(src, []byte("Fn::ForEach")) {
		return nil, nil, -1, false
	}
	type line struct {
		start, end, indent int
		text               []byte // without indentation and line end
	}
	var lines []line
	for start := 0; start < len(src); {
		end := len(src)
		if nl := bytes.IndexByte(src[start:], '\n'); nl >= 0 {
			end = start + nl + 1
		}
		ind := indentOf(src[start:end])
		text := bytes.TrimRight(src[start+ind:end], " \n")
		if len(text) > 0 {
			lines = append(lines, line{start, end, ind, text})
		} else if len(lines) == 0 {
			return nil, nil, -1, false // blank lines before the brace
		}
		start = end
	}
	if len(lines) < 3 || string(lines[0].text) != "{" || lines[0].indent != 0 ||
		string(lines[len(lines)-1].text) != "}" || lines[len(lines)-1].indent != 0 {
		return nil, nil, -1, false
	}
	lineNo := func(l line) int { return 1 + bytes.Count(src[:l.start], []byte{'\n'}) }
	closer := func(t []byte) bool {
		t = bytes.TrimSuffix(t, []byte(","))
		return len(t) == 1 && (t[0] == '}' || t[0] == ']')
	}
	// sep returns the offset of the comma that ends the chunk before
	// line i, or 0 when it has none (the last member).
	sep := func(i int) int {
		prev := lines[i-1]
		if prev.text[len(prev.text)-1] == ',' {
			return prev.start + prev.indent + len(prev.text) - 1
		}
		return 0
	}
	body := lines[1 : len(lines)-1]
	top := body[0].indent
	seen, ids := map[string]bool{}, map[string]bool{}
	inRes, resIndent := false, -1
	closeLast := func(list []chunk, i int) {
		if n := len(list); n > 0 && list[n-1].end < 0 {
			list[n-1].end = lines[i].start
			list[n-1].sep = sep(i)
		}
	}
	for j, l := range body {
		i := j + 1 // index in lines
		switch {
		case l.indent < top || l.indent == 0:
			return nil, nil, -1, false
		case inRes && l.indent == top:
			if !closer(l.text) {
				return nil, nil, -1, false
			}
			closeLast(resources, i)
			inRes = false
		case inRes:
			if resIndent < 0 {
				resIndent = l.indent
			}
			if l.indent < resIndent {
				return nil, nil, -1, false
			}
			if l.indent > resIndent || closer(l.text) {
				continue
			}
			key, ok := jsonKeyLine(l.text)
			if !ok || ids[key] {
				return nil, nil, -1, false
			}
			ids[key] = true
			closeLast(resources, i)
			resources = append(resources, chunk{start: l.start, end: -1, line: lineNo(l), key: key})
		case l.indent == top && !closer(l.text):
			key, ok := jsonKeyLine(l.text)
			if !ok || seen[key] {
				return nil, nil, -1, false
			}
			seen[key] = true
			closeLast(sections, i)
			sections = append(sections, chunk{start: l.start, end: -1, line: lineNo(l), key: key})
			if key == "Resources" {
				if string(l.text) != `"Resources": {` {
					return nil, nil, -1, false
				}
				sections[len(sections)-1].end = l.end
				inRes, resIndent = true, -1
			}
		case len(sections) == 0:
			return nil, nil, -1, false
		}
	}
	if inRes || len(resources) == 0 {
		return nil, nil, -1, false
	}
	closeLast(sections, len(lines)-1)
	return sections, resources, lines[0].start, true
}

// jsonKeyLine returns the name of a JSON member whose line starts with
// its quoted alphanumeric name, a colon and a space.
func jsonKeyLine(t []byte) (string, bool) {
	i := 1
	for i < len(t) && (t[i] >= 'a' && t[i] <= 'z' || t[i] >= 'A' && t[i] <= 'Z' || t[i] >= '0' && t[i] <= '9') {
		i++
	}
	if len(t) == 0 || t[0] != '"' || i == 1 || i+2 >= len(t) || t[i] != '"' || t[i+1] != ':' || t[i+2] != ' ' {
		return "", false
	}
	return string(t[1:i]), true
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

// parseSplit parses a template laid out as splitLayout (or, for JSON,
// splitLayoutJSON) accepts in chunks: the root mapping with every section
// but the resources, whose chunks the loader parses a batch at a time
// (parseBatch, resourceNodes). brace is the offset of a JSON template's
// opening brace, -1 for YAML. ok is false when a section does not parse
// or validate as it would in the whole document.
func parseSplit(file string, src []byte, sections, resources []chunk, brace int) (*source, bool) {
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: yamltag.Map}
	if brace >= 0 {
		// The whole parse's root is the flow mapping of the braces.
		root.Style = yaml.FlowStyle
		root.Line = 1 + bytes.Count(src[:brace], []byte{'\n'})
		root.Column = 1 + brace - lineStartOf(src, brace)
	}
	for _, c := range sections {
		var k, v *yaml.Node
		var ok bool
		switch {
		case c.key == "Resources" && brace >= 0:
			// `"Resources": {` closed at once: its key and the flow
			// mapping where the whole parse has it.
			text := append(append([]byte(nil), src[c.start:c.end]...), '}')
			k, v, ok = parseChunk(file, text, chunk{start: 0, end: len(text), line: c.line, key: c.key}, 0, true)
			ok = ok && v.Kind == yaml.MappingNode && len(v.Content) == 0
		case c.key == "Resources":
			k, v, ok = parseChunk(file, src, c, 0, true)
			if ok && (!isNull(v) || v.Tag != yamltag.Null) {
				ok = false
			}
			if ok {
				// The section's mapping as the whole parse makes it: it
				// starts at its first key.
				first := resources[0]
				v = &yaml.Node{Kind: yaml.MappingNode, Tag: yamltag.Map, Line: first.line,
					Column: 1 + indentOf(src[first.start:])}
			}
		default:
			k, v, ok = parseChunk(file, src, c, 0, true)
		}
		if !ok {
			return nil, false
		}
		if len(root.Content) == 0 && brace < 0 {
			root.Line, root.Column = k.Line, k.Column
		}
		// The entries of the section stay in the chunks.
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
	text := src[first.start:last.end]
	copied := false
	for _, c := range cs {
		if c.sep > 0 {
			if !copied {
				text, copied = append([]byte(nil), text...), true
			}
			text[c.sep-first.start] = ' '
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(text))
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
		if k.Kind != yaml.ScalarNode || k.Value != c.key || k.Line != c.line-first.line+1 || k.Column != 1+indentOf(text[c.start-first.start:]) {
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
