package cfn

import (
	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamltag"
)

// Most YAML templates are written in a small part of YAML: block mappings
// and sequences, one-line plain and quoted scalars, literal block scalars,
// one-line or bracketed flow collections, and local tags (!Ref, !Sub).
// yaml.v3 is slow on them (its parse is the largest cost of loading a YAML
// template), so decodeYAMLNode reads that part directly into the tree
// yaml.v3 builds for it, node for node (kinds, tags, values, styles, lines
// and columns; not comments, which the loader does not read). Like
// decodeJSONNode it is a shortcut, never a second opinion: on anything
// else it fails, and the caller parses with yaml.v3 as before. It fails
// on:
//
//   - a byte that is not printable ASCII or a newline (tabs, carriage
//     returns, anything non-ASCII: columns are then bytes), a text that
//     does not end with a newline, and lines starting with a document
//     marker (---, ...) or a directive (%);
//   - anchors, aliases, complex keys (?), folded block scalars (>), block
//     scalar indentation indicators, plain or quoted scalars that span
//     lines, and escapes other than \n, \t, \" and \\;
//   - a root that is not a block mapping at column 1;
//   - empty values in flow collections, trailing commas, and a line of a
//     flow collection not indented past the block that holds it;
//   - a tree validate rejects, so that the error comes from the yaml.v3
//     path that has always reported it.
//
// A tree it returns therefore needs no validation.

// yamlDecoder holds the state of one decodeYAMLNode call.
type yamlDecoder struct {
	nodeArena
	src       []byte
	i         int // offset of the next byte to read
	line      int // line of i, 1-based
	lineStart int // offset where the line of i starts
	// ind is the indentation of the line nextContent stopped at, -1 at
	// the end of the text.
	ind   int
	depth int
}

// decodeYAMLNode decodes src into the document node yaml.v3 produces for
// it; ok is false when src is outside what the decoder reads (see above).
func decodeYAMLNode(src []byte) (doc *yaml.Node, ok bool) {
	if !plainYAMLText(src) {
		return nil, false
	}
	d := &yamlDecoder{src: src, line: 1, nodeArena: nodeArena{size: len(src)}}
	d.nextContent()
	if d.ind != 0 || !d.isKey() {
		return nil, false
	}
	doc = d.node(yaml.DocumentNode, "")
	root, ok := d.blockNode(-1)
	if !ok || d.ind != -1 || root.Kind != yaml.MappingNode {
		return nil, false
	}
	doc.Line, doc.Column = root.Line, root.Column
	doc.Content = []*yaml.Node{root}
	if validate("", doc, 0) != nil {
		return nil, false
	}
	return doc, true
}

// plainYAMLText reports whether src is printable ASCII in lines that each
// end with a newline, none starting with a document marker or directive.
func plainYAMLText(src []byte) bool {
	if len(src) == 0 || src[len(src)-1] != '\n' {
		return false
	}
	start := true
	for i, c := range src {
		if c == '\n' {
			start = true
			continue
		}
		if c < ' ' || c > '~' {
			return false
		}
		if start && (c == '%' || (c == '-' || c == '.') && i+2 < len(src) && src[i+1] == c && src[i+2] == c) {
			return false
		}
		start = false
	}
	return true
}

// node returns a new node of kind and tag at the current position.
func (d *yamlDecoder) node(kind yaml.Kind, tag string) *yaml.Node {
	return d.nodeAt(kind, tag, d.here())
}

// mark is a node's position: line and column, 1-based.
type mark struct{ line, column int }

// here returns the position of d.i.
func (d *yamlDecoder) here() mark { return mark{d.line, d.i - d.lineStart + 1} }

// nodeAt returns a new node of kind and tag at position m.
func (d *yamlDecoder) nodeAt(kind yaml.Kind, tag string, m mark) *yaml.Node {
	n := d.alloc()
	n.Kind, n.Tag = kind, tag
	n.Line, n.Column = m.line, m.column
	return n
}

// at reports whether the byte at d.i is c.
func (d *yamlDecoder) at(c byte) bool { return d.i < len(d.src) && d.src[d.i] == c }

// peekAt returns the byte at offset j, or 0 past the end.
func (d *yamlDecoder) peekAt(j int) byte {
	if j < len(d.src) {
		return d.src[j]
	}
	return 0
}

// skipSpaces skips spaces on the current line.
func (d *yamlDecoder) skipSpaces() {
	for d.at(' ') {
		d.i++
	}
}

// newline moves past the newline at d.i.
func (d *yamlDecoder) newline() {
	d.i++
	d.line, d.lineStart = d.line+1, d.i
}

// restEmpty reports whether the rest of the line from d.i, after spaces,
// is empty or a comment (a # after a space).
func (d *yamlDecoder) restEmpty() bool {
	j := d.i
	for j < len(d.src) && d.src[j] == ' ' {
		j++
	}
	return d.src[j] == '\n' || d.src[j] == '#' && j > d.i
}

// endLine reads the rest of the line after a node, which must be empty or
// a comment, and moves to the next line with content.
func (d *yamlDecoder) endLine() bool {
	if !d.restEmpty() {
		return false
	}
	for d.src[d.i] != '\n' {
		d.i++
	}
	d.newline()
	d.nextContent()
	return true
}

// nextContent moves d.i, at the start of a line, to the first byte of the
// next line that is neither blank nor a comment, and sets d.ind to its
// indentation (-1 at the end of the text).
func (d *yamlDecoder) nextContent() {
	for d.i < len(d.src) {
		d.skipSpaces()
		if c := d.src[d.i]; c != '\n' && c != '#' {
			d.ind = d.i - d.lineStart
			return
		}
		for d.src[d.i] != '\n' {
			d.i++
		}
		d.newline()
	}
	d.ind = -1
}

// entryAt reports whether a block sequence entry ("- ") starts at d.i.
func (d *yamlDecoder) entryAt() bool {
	return d.at('-') && (d.peekAt(d.i+1) == ' ' || d.peekAt(d.i+1) == '\n')
}

// blockNode reads the node at d.i in a block whose parent collection is
// indented by parent columns (-1 for the root). It returns with d.i at
// the next line with content.
func (d *yamlDecoder) blockNode(parent int) (*yaml.Node, bool) {
	if d.depth++; d.depth > MaxDepth {
		return nil, false
	}
	defer func() { d.depth-- }()
	switch {
	case d.entryAt():
		return d.sequence()
	case d.at('!'):
		return d.tagged(parent)
	case d.isKey():
		return d.mapping()
	}
	return d.inline(parent)
}

// sequence reads a block sequence whose first entry is at d.i.
func (d *yamlDecoder) sequence() (*yaml.Node, bool) {
	n := d.node(yaml.SequenceNode, yamltag.Seq)
	col, base := d.i-d.lineStart, len(d.kids)
	for {
		d.i++ // the dash
		var item *yaml.Node
		var ok bool
		if d.restEmpty() {
			// An empty entry is null, placed just after its dash.
			at := d.here()
			if !d.endLine() {
				return nil, false
			}
			if d.ind > col {
				item, ok = d.blockNode(col)
			} else {
				item, ok = d.nodeAt(yaml.ScalarNode, yamltag.Null, at), true
			}
		} else {
			d.skipSpaces()
			item, ok = d.blockNode(col)
		}
		if !ok {
			return nil, false
		}
		d.kids = append(d.kids, item)
		if d.ind > col || d.ind < col || !d.entryAt() {
			break
		}
	}
	n.Content = d.content(base)
	return n, d.ind <= col
}

// mapping reads a block mapping whose first key is at d.i.
func (d *yamlDecoder) mapping() (*yaml.Node, bool) {
	n := d.node(yaml.MappingNode, yamltag.Map)
	col, base := d.i-d.lineStart, len(d.kids)
	for {
		k, ok := d.key()
		if !ok {
			return nil, false
		}
		v, ok := d.value(col)
		if !ok {
			return nil, false
		}
		d.kids = append(d.kids, k, v)
		if d.ind != col {
			break
		}
	}
	n.Content = d.content(base)
	return n, d.ind < col
}

// isKey reports whether a mapping key (a plain or quoted scalar, then a
// colon and a space or the end of the line) starts at d.i. A flow
// collection is never a key here, whatever it holds.
func (d *yamlDecoder) isKey() bool {
	j := d.i
	switch d.peekAt(j) {
	case '[', '{':
		return false
	}
	if q := d.peekAt(j); q == '\'' || q == '"' {
		for j++; j < len(d.src) && d.src[j] != '\n'; j++ {
			if q == '"' && d.src[j] == '\\' && d.src[j+1] != '\n' {
				j++
				continue
			}
			if d.src[j] == q {
				if q == '\'' && d.peekAt(j+1) == '\'' {
					j++
					continue
				}
				j++
				for d.peekAt(j) == ' ' {
					j++
				}
				return d.peekAt(j) == ':' && (d.peekAt(j+1) == ' ' || d.peekAt(j+1) == '\n')
			}
		}
		return false
	}
	for ; d.src[j] != '\n'; j++ {
		switch {
		case d.src[j] == ':' && (d.src[j+1] == ' ' || d.src[j+1] == '\n'):
			return true
		case d.src[j] == ' ' && d.src[j+1] == '#':
			return false
		}
	}
	return false
}

// key reads a mapping key and its colon, leaving d.i after the colon.
func (d *yamlDecoder) key() (*yaml.Node, bool) {
	var k *yaml.Node
	var ok bool
	start := d.i
	if d.at('\'') || d.at('"') {
		k, ok = d.quoted()
		d.skipSpaces()
	} else {
		k, ok = d.plain(true)
	}
	// yaml.v3 takes an implicit key of at most 1024 characters; in a
	// block, a space or the end of the line follows its colon.
	if !ok || !d.at(':') || d.i-start > 1000 || d.src[d.i+1] != ' ' && d.src[d.i+1] != '\n' {
		return nil, false
	}
	d.i++
	return k, true
}

// value reads the value of a mapping entry after its colon; col is the
// mapping's indentation.
func (d *yamlDecoder) value(col int) (*yaml.Node, bool) {
	if !d.restEmpty() {
		d.skipSpaces()
		if d.at('!') {
			return d.tagged(col)
		}
		if d.entryAt() || d.isKey() {
			return nil, false
		}
		return d.inline(col)
	}
	// An empty value is null, placed just after the colon.
	at := d.here()
	if !d.endLine() {
		return nil, false
	}
	switch {
	case d.ind > col:
		return d.blockNode(col)
	case d.ind == col && d.entryAt():
		// A sequence at the indentation of its key.
		return d.sequence()
	}
	return d.nodeAt(yaml.ScalarNode, yamltag.Null, at), true
}

// tagged reads a node with a local tag (!Name) at d.i; parent is the
// indentation of the collection that holds it.
func (d *yamlDecoder) tagged(parent int) (*yaml.Node, bool) {
	at, tag, ok := d.tag()
	if !ok {
		return nil, false
	}
	var n *yaml.Node
	if d.restEmpty() {
		// The tag alone: its node is on the lines below, or empty.
		if !d.endLine() {
			return nil, false
		}
		switch {
		case d.ind > parent && d.at('!'):
			return nil, false // a node has one tag
		case d.ind > parent:
			n, ok = d.blockNode(parent)
		default:
			n = d.nodeAt(yaml.ScalarNode, "", at)
		}
	} else {
		d.skipSpaces()
		if d.entryAt() || d.isKey() || d.at('!') {
			return nil, false
		}
		n, ok = d.inline(parent)
	}
	if !ok {
		return nil, false
	}
	return withTag(n, tag, at), true
}

// tag reads a local tag (!Name) at d.i, which a space or the end of the
// line must follow.
func (d *yamlDecoder) tag() (mark, string, bool) {
	at, start := d.here(), d.i
	for d.i++; isTagChar(d.src[d.i]); d.i++ {
	}
	if d.i == start+1 || !d.at(' ') && !d.at('\n') {
		return at, "", false
	}
	return at, string(d.src[start:d.i]), true
}

// withTag gives node n the tag that precedes it at position at, as
// yaml.v3 does: the node starts at its tag.
func withTag(n *yaml.Node, tag string, at mark) *yaml.Node {
	n.Tag, n.Style = tag, n.Style|yaml.TaggedStyle
	n.Line, n.Column = at.line, at.column
	return n
}

// isTagChar reports whether c may appear in a local tag's name as the
// decoder reads it (yaml.v3 allows more, which is left to it).
func isTagChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ':' || c == '-' || c == '_' || c == '.'
}

// inline reads a node that starts and, but for a literal block scalar or
// a bracketed flow collection, ends on the current line.
func (d *yamlDecoder) inline(parent int) (*yaml.Node, bool) {
	var n *yaml.Node
	var ok bool
	switch d.src[d.i] {
	case '|':
		return d.literal(parent)
	case '[', '{':
		n, ok = d.flow(parent)
	case '\'', '"':
		n, ok = d.quoted()
	default:
		n, ok = d.plain(false)
	}
	if !ok || !d.endLine() {
		return nil, false
	}
	return n, true
}

// plainStart reports whether c may start a plain scalar, followed by next;
// flow is set in a flow collection, where ? and : are always indicators.
func plainStart(c, next byte, flow bool) bool {
	switch c {
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '?', ':':
		return !flow && next != ' ' && next != '\n'
	case '-':
		return next != ' ' && next != '\n'
	}
	return true
}

// plain reads a one-line plain scalar in block context. A key ends at its
// colon; a value at the end of the line or a comment, and holds no ": ".
func (d *yamlDecoder) plain(key bool) (*yaml.Node, bool) {
	if !plainStart(d.src[d.i], d.peekAt(d.i+1), false) {
		return nil, false
	}
	n := d.node(yaml.ScalarNode, "")
	start, end := d.i, d.i
	for ; d.src[d.i] != '\n'; d.i++ {
		c := d.src[d.i]
		if c == ':' && (d.src[d.i+1] == ' ' || d.src[d.i+1] == '\n') {
			if !key {
				return nil, false
			}
			break
		}
		if c == ' ' && d.src[d.i+1] == '#' {
			break
		}
		if c != ' ' {
			end = d.i + 1
		}
	}
	if key != d.at(':') {
		return nil, false
	}
	if !key {
		d.i = end
	}
	n.Value = string(d.src[start:end])
	n.Tag = n.ShortTag() // what yaml.v3 resolves a plain scalar to
	return n, true
}

// quoted reads a quoted scalar that ends on its line. Of the escapes of
// a double-quoted one, it reads \n, \t, \" and \\ only.
func (d *yamlDecoder) quoted() (*yaml.Node, bool) {
	n := d.node(yaml.ScalarNode, yamltag.Str)
	q := d.src[d.i]
	n.Style = yaml.DoubleQuotedStyle
	if q == '\'' {
		n.Style = yaml.SingleQuotedStyle
	}
	d.i++
	start := d.i
	var buf []byte // the value once an escape or '' is met
	for ; d.i < len(d.src); d.i++ {
		switch c := d.src[d.i]; {
		case c == '\n':
			return nil, false
		case c == '\\' && q == '"':
			e := escaped(d.src[d.i+1])
			if e == 0 {
				return nil, false
			}
			if buf == nil {
				buf = append([]byte(nil), d.src[start:d.i]...)
			}
			buf = append(buf, e)
			d.i++
		case c == q && q == '\'' && d.peekAt(d.i+1) == '\'':
			if buf == nil {
				buf = append([]byte(nil), d.src[start:d.i]...)
			}
			buf = append(buf, '\'')
			d.i++
		case c == q:
			if buf == nil {
				n.Value = string(d.src[start:d.i])
			} else {
				n.Value = string(buf)
			}
			d.i++
			return n, true
		default:
			buf = appendIf(buf, c)
		}
	}
	return nil, false
}

// escaped returns the character of the escape \c in a double-quoted
// scalar, or 0 for one the decoder leaves to yaml.v3.
func escaped(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case '"', '\\':
		return c
	}
	return 0
}

// literal reads a literal block scalar (|, |- or |+) whose indicator is
// at d.i, in a collection indented by parent columns.
func (d *yamlDecoder) literal(parent int) (*yaml.Node, bool) {
	n := d.node(yaml.ScalarNode, yamltag.Str)
	n.Style = yaml.LiteralStyle
	d.i++
	chomp := d.src[d.i]
	if chomp == '-' || chomp == '+' {
		d.i++
	}
	if !d.at(' ') && !d.at('\n') || !d.restEmpty() {
		return nil, false
	}
	for d.src[d.i] != '\n' {
		d.i++
	}
	d.newline()
	// The indentation is that of the first line with content; blank lines
	// before it must not be longer (yaml.v3 rejects those).
	indent, blanks := -1, 0
	for j := d.i; j < len(d.src); {
		k := 0
		for d.src[j+k] == ' ' {
			k++
		}
		if d.src[j+k] != '\n' {
			indent = k
			break
		}
		if k > blanks {
			blanks = k
		}
		j += k + 1
	}
	if indent <= parent || blanks > indent {
		return nil, false
	}
	var buf []byte
	pending := 0 // blank lines not yet written
	for d.i < len(d.src) {
		k := 0
		for d.src[d.i+k] == ' ' {
			k++
		}
		if d.src[d.i+k] == '\n' {
			if k > indent {
				return nil, false
			}
			pending++
			d.i += k
			d.newline()
			continue
		}
		if k < indent {
			break
		}
		for ; pending > 0; pending-- {
			buf = append(buf, '\n')
		}
		eol := d.i + k
		for d.src[eol] != '\n' {
			eol++
		}
		buf = append(append(buf, d.src[d.i+indent:eol]...), '\n')
		d.i = eol
		d.newline()
	}
	switch chomp {
	case '-':
		buf = buf[:len(buf)-1]
	case '+':
		for ; pending > 0; pending-- {
			buf = append(buf, '\n')
		}
	}
	n.Value = string(buf)
	d.nextContent()
	return n, true
}

// flow reads a flow sequence or mapping whose bracket is at d.i, in a
// block collection indented by parent columns; its lines after the first
// must be indented further.
func (d *yamlDecoder) flow(parent int) (*yaml.Node, bool) {
	if d.depth++; d.depth > MaxDepth {
		return nil, false
	}
	defer func() { d.depth-- }()
	kind, tag, closer := yaml.SequenceNode, yamltag.Seq, byte(']')
	if d.at('{') {
		kind, tag, closer = yaml.MappingNode, yamltag.Map, '}'
	}
	n := d.node(kind, tag)
	n.Style = yaml.FlowStyle
	d.i++
	base := len(d.kids)
	if !d.flowSpace(parent) {
		return nil, false
	}
	for !d.at(closer) {
		if kind == yaml.MappingNode {
			k, ok := d.flowKey(parent)
			if !ok {
				return nil, false
			}
			d.kids = append(d.kids, k)
		}
		v, ok := d.flowItem(parent)
		if !ok || !d.flowSpace(parent) {
			return nil, false
		}
		d.kids = append(d.kids, v)
		if d.at(',') {
			d.i++
			if !d.flowSpace(parent) || d.at(closer) {
				return nil, false
			}
		} else if !d.at(closer) {
			return nil, false
		}
	}
	d.i++
	n.Content = d.content(base)
	return n, true
}

// flowSpace skips spaces, comments and line breaks in a flow collection.
func (d *yamlDecoder) flowSpace(parent int) bool {
	for d.i < len(d.src) {
		switch d.src[d.i] {
		case ' ':
			d.i++
		case '#':
			if c := d.src[d.i-1]; c != ' ' && c != '\n' {
				return false
			}
			for d.src[d.i] != '\n' {
				d.i++
			}
		case '\n':
			d.newline()
			d.skipSpaces()
			if d.i < len(d.src) && d.src[d.i] != '\n' && d.i-d.lineStart <= parent {
				return false
			}
		default:
			return true
		}
	}
	return false
}

// flowKey reads the key of a flow mapping entry and its colon.
func (d *yamlDecoder) flowKey(parent int) (*yaml.Node, bool) {
	k, ok := d.flowScalar(true)
	if !ok || !d.at(':') {
		return nil, false
	}
	d.i++
	if !d.at(' ') {
		return nil, false
	}
	return k, d.flowSpace(parent)
}

// flowItem reads a value in a flow collection.
func (d *yamlDecoder) flowItem(parent int) (*yaml.Node, bool) {
	switch d.src[d.i] {
	case '[', '{':
		return d.flow(parent)
	case '!':
		at, tag, ok := d.tag()
		if !ok {
			return nil, false
		}
		d.skipSpaces()
		if d.at('!') || d.at('\n') || d.at(',') || d.at(']') || d.at('}') {
			return nil, false
		}
		n, ok := d.flowItem(parent)
		if !ok {
			return nil, false
		}
		return withTag(n, tag, at), true
	}
	return d.flowScalar(false)
}

// flowScalar reads a quoted or one-line plain scalar in a flow
// collection; a plain one ends before a comma, bracket, comment or the
// end of the line, or, for a key, its colon.
func (d *yamlDecoder) flowScalar(key bool) (*yaml.Node, bool) {
	if d.at('\'') || d.at('"') {
		n, ok := d.quoted()
		if ok {
			d.skipSpaces()
		}
		return n, ok
	}
	if !plainStart(d.src[d.i], d.peekAt(d.i+1), true) {
		return nil, false
	}
	n := d.node(yaml.ScalarNode, "")
	start, end := d.i, d.i
	for ; ; d.i++ {
		c := d.src[d.i]
		if c == ':' {
			next := d.src[d.i+1]
			if next == ' ' || next == '\n' || next == ',' || next == ']' || next == '}' || next == '[' || next == '{' {
				break
			}
		}
		if c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '\n' || c == ' ' && d.src[d.i+1] == '#' {
			break
		}
		if c != ' ' {
			end = d.i + 1
		}
	}
	if key != d.at(':') {
		return nil, false
	}
	n.Value = string(d.src[start:end])
	n.Tag = n.ShortTag()
	return n, true
}
