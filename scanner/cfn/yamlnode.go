package cfn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamlerr"
	"github.com/stackgate/stackgate/internal/yamltag"
	"github.com/stackgate/stackgate/policies/model"
)

// source is one parsed file: its bytes, the start offset of every line
// (for byte offsets and end positions) and the root mapping.
type source struct {
	file  string
	src   []byte
	lines []int // lines[i] is the byte offset where line i+1 starts
	root  *yaml.Node
	// split is set when the template is parsed in chunks (split.go): root
	// then holds the Resources section without its entries.
	split *splitSource

	nonASCII map[int]bool    // lines holding non-ASCII bytes
	runeIdx  map[int][]int32 // rune offsets of non-ASCII lines, built on demand
}

// parseYAML parses a template: a document whose top level is a mapping.
func parseYAML(file string, src []byte, limit int64) (*source, error) {
	s, err := parseDoc(file, src, limit)
	if err != nil {
		return nil, err
	}
	if err := checkRoot(s); err != nil {
		return nil, err
	}
	return s, nil
}

// checkRoot rejects a template whose top level is not a mapping.
func checkRoot(s *source) error {
	if s.root.Kind != yaml.MappingNode {
		return model.Errorf(s.file, s.root.Line, s.root.Column, "template must be a mapping of sections (AWSTemplateFormatVersion, Parameters, Resources, ...), not %s", kindName(s.root))
	}
	return nil
}

// parseDoc checks src against the size, encoding and nesting limits,
// parses it and validates the node tree (no aliases, no duplicate keys,
// bounded depth). Every failure is a *model.Error.
func parseDoc(file string, src []byte, limit int64) (*source, error) {
	doc, err := checkDoc(file, src, limit, true)
	if err != nil {
		return nil, err
	}
	return parseNodes(file, src, doc)
}

// decodeJSON is whether JSON is read by decodeJSONNode (jsonnode.go), and
// decodeYAML whether block YAML is read by decodeYAMLNode (yamlblock.go),
// rather than yaml.v3. Tests turn them off to compare the paths.
var decodeJSON, decodeYAML = true, true

// checkDoc checks src against the size, encoding and nesting limits (and
// a JSON file's syntax) before it is parsed. With decode set it also
// decodes src with decodeNode and returns the document node (nil when the
// decoders leave it to yaml.v3): a text the JSON decoder reads is valid
// JSON, so checkJSON's own pass over a JSON file is then skipped, and
// parseNodes takes the node instead of parsing again. Errors are those of
// the checks alone, with or without decoding.
func checkDoc(file string, src []byte, limit int64, decode bool) (doc *yaml.Node, err error) {
	if err := checkSize(file, src, limit); err != nil {
		return nil, err
	}
	if err := checkUTF8(file, src); err != nil {
		return nil, err
	}
	if err := prescan(file, src); err != nil {
		return nil, err
	}
	if decode {
		doc = decodeNode(file, src)
	}
	if doc == nil && isJSONFile(file) {
		if err := checkJSON(file, src); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// decodeNode returns the document node of src made by the decoder that
// reads it: decodeJSONNode, or decodeYAMLNode for a file not named as
// JSON (which is read as JSON only). It returns nil when neither does, and
// yaml.v3 is to parse src.
func decodeNode(file string, src []byte) *yaml.Node {
	if decodeJSON {
		if doc, ok := decodeJSONNode(src); ok {
			return doc
		}
	}
	if decodeYAML && !isJSONFile(file) {
		if doc, ok := decodeYAMLNode(src); ok {
			return doc
		}
	}
	return nil
}

// parseWhole parses and validates src, which checkDoc accepted, as one
// document.
func parseWhole(file string, src []byte) (*source, error) {
	return parseNodes(file, src, decodeNode(file, src))
}

// parseNodes makes the source of src from doc, the document node
// decodeNode made of it, or when doc is nil parses and validates src with
// yaml.v3. The result is the same either way: the decoders build the tree
// yaml.v3 would, and only trees that validate accepts.
func parseNodes(file string, src []byte, doc *yaml.Node) (*source, error) {
	if doc == nil {
		var err error
		if doc, err = parseYAMLDoc(file, src); err != nil {
			return nil, err
		}
		if err := validate(file, doc, 0); err != nil {
			return nil, err
		}
	}
	root := doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, model.Errorf(file, 0, 0, "template is empty")
		}
		root = root.Content[0]
	}
	return &source{file: file, src: src, lines: lineStarts(src), root: root}, nil
}

// parseYAMLDoc parses src with yaml.v3: exactly one document.
func parseYAMLDoc(file string, src []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, model.Errorf(file, 0, 0, "template is empty")
		}
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, model.Errorf(file, extra.Line, extra.Column, "template has more than one YAML document; CloudFormation reads exactly one")
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(file, err)
	}
	return &doc, nil
}

// yamlError turns a parser error into a *model.Error with its line.
func yamlError(file string, err error) error {
	line, msg := yamlerr.Position(err)
	return model.Errorf(file, line, 0, "invalid YAML: %s", msg)
}

// validate walks the tree in document order and rejects what CloudFormation
// rejects or what could make later walks expensive: aliases (CloudFormation
// does not support YAML anchors and aliases, and rejecting them at the
// first alias makes alias bombs harmless), merge keys, nesting deeper than
// MaxDepth, duplicate mapping keys and non-scalar keys.
func validate(file string, n *yaml.Node, depth int) error {
	if depth > MaxDepth {
		return depthError(file, n.Line, n.Column)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return model.Errorf(file, n.Line, n.Column, "YAML alias *%s: CloudFormation does not support YAML anchors and aliases; repeat the value instead", n.Value)
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if err := validate(file, c, depth+1); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		seen := make(map[string]*yaml.Node, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.AliasNode {
				return validate(file, k, depth+1)
			}
			if k.Kind != yaml.ScalarNode {
				return model.Errorf(file, k.Line, k.Column, "mapping key must be a string, not %s", kindName(k))
			}
			if k.ShortTag() == yamltag.Merge {
				return model.Errorf(file, k.Line, k.Column, "YAML merge key <<: CloudFormation does not support merge keys")
			}
			if prev, dup := seen[k.Value]; dup {
				return model.Errorf(file, k.Line, k.Column, "duplicate key %q (first defined on line %d, again on line %d)", k.Value, prev.Line, k.Line)
			}
			seen[k.Value] = k
			if err := validate(file, v, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == yamltag.Null {
			return "null"
		}
		return "a scalar"
	case yaml.AliasNode:
		return "an alias"
	}
	return "empty"
}

// mapGet returns the value of key in mapping n, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == yamltag.Null && n.Tag != yamltag.Str)
}

// lineStarts returns the byte offset of the start of every line.
func lineStarts(src []byte) []int {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			return starts
		}
		i += j + 1
		starts = append(starts, i)
	}
}

// pos converts a 1-based line and column (code points) to a Pos with the
// byte offset. ASCII lines convert in constant time; other lines through a
// per-line index of rune offsets built once, so positions in a long
// single-line (minified JSON) template stay cheap.
func (s *source) pos(line, col int) model.Pos {
	if line < 1 || line > len(s.lines) || col < 1 {
		return model.Pos{Line: line, Column: col}
	}
	start, end := s.lineSpan(line)
	if s.ascii(line) {
		return model.Pos{Line: line, Column: col, Byte: min(start+col-1, end)}
	}
	idx := s.runeIndex(line)
	if col-1 < len(idx) {
		return model.Pos{Line: line, Column: col, Byte: start + int(idx[col-1])}
	}
	return model.Pos{Line: line, Column: col, Byte: end}
}

// lineSpan returns the byte offsets of the start and end (before the
// newline) of a 1-based line.
func (s *source) lineSpan(line int) (int, int) {
	start, end := s.lines[line-1], len(s.src)
	if line < len(s.lines) {
		end = s.lines[line] - 1
	}
	return start, end
}

// ascii reports whether a line holds only ASCII, computing it once.
func (s *source) ascii(line int) bool {
	if s.nonASCII == nil {
		s.nonASCII = nonASCIILines(s.src, s.lines)
	}
	return !s.nonASCII[line]
}

// nonASCIILines returns the 1-based numbers of the lines of src that hold
// a byte that is not ASCII; lines are the offsets where they start. Most
// templates are ASCII throughout, which one pass over the whole text, 8
// bytes at a time, settles.
func nonASCIILines(src []byte, lines []int) map[int]bool {
	set := make(map[int]bool)
	if isASCII(src) {
		return set
	}
	for i, start := range lines {
		end := len(src)
		if i+1 < len(lines) {
			end = lines[i+1]
		}
		if !isASCII(src[start:end]) {
			set[i+1] = true
		}
	}
	return set
}

// isASCII reports whether b holds only ASCII bytes.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// runeIndex returns the byte offset (from the line start) of every code
// point of a non-ASCII line, computing it once per line.
func (s *source) runeIndex(line int) []int32 {
	if idx, ok := s.runeIdx[line]; ok {
		return idx
	}
	start, end := s.lineSpan(line)
	idx := make([]int32, 0, end-start)
	for off := start; off < end; {
		idx = append(idx, int32(off-start))
		_, size := utf8.DecodeRune(s.src[off:end])
		off += size
	}
	if s.runeIdx == nil {
		s.runeIdx = make(map[int][]int32)
	}
	s.runeIdx[line] = idx
	return idx
}

// posAt converts a byte offset to a Pos.
func (s *source) posAt(off int) model.Pos {
	off = max(0, min(off, len(s.src)))
	// Binary search for the line containing off.
	lo, hi := 0, len(s.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	line := lo + 1
	rel := off - s.lines[lo]
	if s.ascii(line) {
		return model.Pos{Line: line, Column: rel + 1, Byte: off}
	}
	idx := s.runeIndex(line)
	col := sort.Search(len(idx), func(i int) bool { return int(idx[i]) >= rel })
	return model.Pos{Line: line, Column: col + 1, Byte: off}
}

// rangeOf returns the source range of node n, from its first character
// (the tag, for a tagged intrinsic) to just after its last.
func (s *source) rangeOf(n *yaml.Node) model.Range {
	if n == nil || n.Line == 0 {
		return model.Range{}
	}
	start := s.pos(n.Line, n.Column)
	end := s.endOf(n, start.Byte)
	if end < start.Byte {
		end = start.Byte
	}
	return model.Range{Filename: s.file, Start: start, End: s.posAt(end)}
}

// spanOf returns the range from the start of a to the end of b (a mapping
// entry from its key to the end of its value).
func (s *source) spanOf(a, b *yaml.Node) model.Range {
	r := s.rangeOf(a)
	if rb := s.rangeOf(b); !rb.IsZero() && rb.End.Byte > r.End.Byte {
		r.End = rb.End
	}
	return r
}

// endOf returns the byte offset just after node n, which starts at byte
// offset start. yaml.Node records only where a node starts, so the end is
// recovered from the source: collections end with their last child (or
// closing bracket), scalars are scanned according to their style.
func (s *source) endOf(n *yaml.Node, start int) int {
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		if len(n.Content) == 0 {
			return s.skipFlowEmpty(start)
		}
		last := n.Content[len(n.Content)-1]
		if last.Line == 0 {
			return start
		}
		lp := s.pos(last.Line, last.Column)
		end := s.endOf(last, lp.Byte)
		if s.flowOpensAt(start) {
			end = s.closeBracket(end)
		}
		return end
	case yaml.ScalarNode:
		return s.scalarEnd(n, start)
	}
	return start
}

// flowOpensAt reports whether a flow collection ([ or {) opens at start,
// after any tag. JSON templates and inline YAML lists are flow collections
// even when the node style does not say so.
func (s *source) flowOpensAt(start int) bool {
	i := s.skipTag(start)
	return i < len(s.src) && (s.src[i] == '[' || s.src[i] == '{')
}

// skipTag skips a "!Tag " prefix at i.
func (s *source) skipTag(i int) int {
	if i < len(s.src) && s.src[i] == '!' {
		for i < len(s.src) && !isSpace(s.src[i]) && s.src[i] != '[' && s.src[i] != '{' {
			i++
		}
		for i < len(s.src) && (s.src[i] == ' ' || s.src[i] == '\t') {
			i++
		}
	}
	return i
}

// skipFlowEmpty returns the end of an empty collection starting at start:
// "[]" or "{}" (possibly with spaces or a tag), or start for a block
// collection with no entries.
func (s *source) skipFlowEmpty(start int) int {
	i := s.skipTag(start)
	if i < len(s.src) && (s.src[i] == '[' || s.src[i] == '{') {
		if end := s.closeBracket(i + 1); end > i+1 {
			return end
		}
		return i + 1
	}
	return start
}

// closeBracket returns the offset after the next ] or } at or after from,
// skipping whitespace, commas and comments; from itself when another token
// comes first.
func (s *source) closeBracket(from int) int {
	for i := from; i < len(s.src); {
		switch c := s.src[i]; c {
		case ']', '}':
			return i + 1
		case ' ', '\t', '\r', '\n', ',':
			i++
		case '#':
			for i < len(s.src) && s.src[i] != '\n' {
				i++
			}
		default:
			return from
		}
	}
	return from
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// scalarEnd scans the scalar starting at start according to its style.
func (s *source) scalarEnd(n *yaml.Node, start int) int {
	i := s.skipTag(start)
	if i >= len(s.src) {
		return len(s.src)
	}
	switch s.src[i] {
	case '"':
		for j := i + 1; j < len(s.src); j++ {
			switch s.src[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(s.src)
	case '\'':
		for j := i + 1; j < len(s.src); j++ {
			if s.src[j] == '\'' {
				if j+1 < len(s.src) && s.src[j+1] == '\'' {
					j++
					continue
				}
				return j + 1
			}
		}
		return len(s.src)
	case '|', '>':
		return s.blockScalarEnd(i)
	}
	if n.Value == "" && i > start {
		// "!GetAZs" with nothing after it, or an empty tagged value.
		return i
	}
	// Plain scalar: it has no escapes, so a single-line value spans exactly
	// its text; a multi-line one is cut at the end of its first line.
	v := n.Value
	if k := strings.IndexByte(v, '\n'); k >= 0 || strings.ContainsRune(v, ' ') && !bytes.HasPrefix(s.src[i:], []byte(v)) {
		j := i
		for j < len(s.src) && s.src[j] != '\n' && s.src[j] != '#' {
			j++
		}
		for j > i && isSpace(s.src[j-1]) {
			j--
		}
		return j
	}
	if bytes.HasPrefix(s.src[i:], []byte(v)) {
		return i + len(v)
	}
	return i
}

// blockScalarEnd returns the end of a literal (|) or folded (>) block
// scalar whose indicator is at i: the end of its last non-blank line. The
// block's lines are those indented at least as far as its first non-blank
// line.
func (s *source) blockScalarEnd(i int) int {
	j := bytes.IndexByte(s.src[i:], '\n')
	if j < 0 {
		return len(s.src)
	}
	end := i + j
	pos := end + 1
	indent := -1
	for pos < len(s.src) {
		nl := bytes.IndexByte(s.src[pos:], '\n')
		lineEnd := len(s.src)
		if nl >= 0 {
			lineEnd = pos + nl
		}
		line := s.src[pos:lineEnd]
		trimmed := bytes.TrimLeft(line, " ")
		if len(bytes.TrimSpace(trimmed)) != 0 {
			ind := len(line) - len(trimmed)
			if indent < 0 {
				indent = ind
			}
			if ind < indent || indent == 0 {
				break
			}
			end = lineEnd
			for end > pos && (s.src[end-1] == '\r' || s.src[end-1] == ' ') {
				end--
			}
		}
		if nl < 0 {
			break
		}
		pos = lineEnd + 1
	}
	return end
}
