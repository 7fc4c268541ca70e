package cfn

import (
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/yamltag"
)

// A JSON template is valid YAML, and the loader reads every template as a
// yaml.Node tree because the nodes carry the positions findings point at.
// yaml.v3 is slow, though: on a corpus of real templates its parse is the
// largest single cost of a scan. decodeJSONNode reads JSON directly into
// the tree yaml.v3 would build for the same text, node for node (kinds,
// tags, values, styles, lines and columns). It reads only what it is sure
// yaml.v3 reads the same way and reports failure on anything else, so the
// caller can parse with yaml.v3 as before: the decoder is a shortcut, never
// a second opinion. What yaml.v3 reads differently from JSON, and so sends
// a template to the yaml.v3 path, is:
//
//   - a key whose colon is on a later line or over 1024 characters after
//     the key's opening quote (YAML's limit on implicit keys);
//   - the escapes \/ and \uD800-\uDFFF (surrogates, which yaml.v3
//     rejects);
//   - characters yaml.v3 refuses in a stream (DEL, C1 controls, U+FFFE,
//     U+FFFF) or reads as line breaks (U+0085, U+2028, U+2029), and a
//     carriage return that is not part of a CRLF;
//   - a tab outside the top-level object or array (YAML's block context
//     rejects tabs at the start of a line);
//   - a number yaml.v3 would not resolve to !!int or !!float (1e999 is a
//     !!str to yaml.v3).
//
// It also fails on the two things validate rejects in JSON, duplicate keys
// and nesting deeper than MaxDepth, so that their errors come from the
// path that has always reported them, and a tree it returns needs no
// validation. Anything that is not JSON fails too: a template the decoder
// reads is valid JSON (encoding/json agrees), which lets checkJSON be
// skipped.

// jsonDecoder holds the state of one decodeJSONNode call.
type jsonDecoder struct {
	src []byte
	i   int // offset of the next byte to read

	// The position of byte i as yaml.v3 counts it: line, the offset where
	// the line starts, and how many bytes of the line before i are not
	// characters of their own (continuation bytes of multi-byte UTF-8,
	// and the byte order mark, which yaml.v3 does not count).
	line, lineStart, extra int

	depth int
	nodeArena
}

// nodeArena hands out the nodes of a decoded tree and their Content
// slices from blocks allocated for many, as yaml.v3's one allocation per
// node is a good part of its cost.
type nodeArena struct {
	size  int          // length of the text decoded, which bounds the blocks
	kids  []*yaml.Node // children of the open collections, innermost last
	nodes []yaml.Node  // preallocated nodes, handed out one at a time
	ptrs  []*yaml.Node // preallocated room for Content slices
}

// decodeJSONNode decodes src, a JSON text whose top level is an object or
// an array (after an optional UTF-8 byte order mark), into the document
// node yaml.v3 produces for it. ok is false when src is not such a text or
// holds anything the decoder does not reproduce exactly (see above).
func decodeJSONNode(src []byte) (doc *yaml.Node, ok bool) {
	d := &jsonDecoder{src: src, line: 1, nodeArena: nodeArena{size: len(src)}}
	if len(src) >= 3 && src[0] == 0xef && src[1] == 0xbb && src[2] == 0xbf {
		d.i, d.extra = 3, 3
	}
	if !d.skipSpace() || d.i >= len(src) || (src[d.i] != '{' && src[d.i] != '[') {
		return nil, false
	}
	doc = d.node(yaml.DocumentNode, "")
	root, ok := d.value()
	if !ok || !d.skipSpace() || d.i != len(src) {
		return nil, false
	}
	doc.Content = []*yaml.Node{root}
	return doc, true
}

// nodeBlock and ptrBlock are how many nodes and Content pointers the
// decoder allocates at a time: blocks of up to about 16 KB, which the
// runtime allocates far faster than larger objects.
const (
	nodeBlock = 100
	ptrBlock  = 2048
)

// alloc returns a new zero node.
func (a *nodeArena) alloc() *yaml.Node {
	if len(a.nodes) == 0 {
		a.nodes = make([]yaml.Node, min(nodeBlock, 8+a.size/24))
	}
	n := &a.nodes[0]
	a.nodes = a.nodes[1:]
	return n
}

// node returns a new node of kind and tag at the current position.
func (d *jsonDecoder) node(kind yaml.Kind, tag string) *yaml.Node {
	n := d.alloc()
	n.Kind, n.Tag = kind, tag
	n.Line, n.Column = d.line, d.i-d.lineStart-d.extra+1
	return n
}

// skipSpace skips JSON whitespace, counting lines as yaml.v3 does. It
// fails on what yaml.v3 reads otherwise: a lone carriage return (a line
// break to YAML) and a tab outside the top-level collection.
func (d *jsonDecoder) skipSpace() bool {
	for ; d.i < len(d.src); d.i++ {
		switch d.src[d.i] {
		case ' ':
		case '\t':
			if d.depth == 0 {
				return false
			}
		case '\r':
			if d.i+1 >= len(d.src) || d.src[d.i+1] != '\n' {
				return false
			}
		case '\n':
			d.line, d.lineStart, d.extra = d.line+1, d.i+1, 0
		default:
			return true
		}
	}
	return true
}

// value decodes the value at d.i, which skipSpace has reached. Its node
// is at depth d.depth+1 in the tree under the document node, which
// validate allows up to MaxDepth.
func (d *jsonDecoder) value() (*yaml.Node, bool) {
	if d.i >= len(d.src) || d.depth >= MaxDepth {
		return nil, false
	}
	switch c := d.src[d.i]; {
	case c == '{':
		return d.collection(yaml.MappingNode, yamltag.Map, '}')
	case c == '[':
		return d.collection(yaml.SequenceNode, yamltag.Seq, ']')
	case c == '"':
		return d.str()
	case c == 't':
		return d.literal("true", yamltag.Bool)
	case c == 'f':
		return d.literal("false", yamltag.Bool)
	case c == 'n':
		return d.literal("null", yamltag.Null)
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, false
}

// collection decodes an object (kind MappingNode, closed by '}') or an
// array (SequenceNode, ']'). yaml.v3 places it at its opening bracket and
// gives it the flow style.
func (d *jsonDecoder) collection(kind yaml.Kind, tag string, closer byte) (*yaml.Node, bool) {
	n := d.node(kind, tag)
	n.Style = yaml.FlowStyle
	d.depth++
	d.i++
	base := len(d.kids)
	if !d.skipSpace() || d.i >= len(d.src) {
		return nil, false
	}
	if d.src[d.i] != closer {
		for {
			if kind == yaml.MappingNode && !d.key() {
				return nil, false
			}
			v, ok := d.value()
			if !ok || !d.skipSpace() || d.i >= len(d.src) {
				return nil, false
			}
			d.kids = append(d.kids, v)
			if d.src[d.i] == closer {
				break
			}
			if d.src[d.i] != ',' {
				return nil, false
			}
			d.i++
			if !d.skipSpace() {
				return nil, false
			}
		}
	}
	d.i++ // the closer
	d.depth--
	if kind == yaml.MappingNode && hasDuplicateKey(d.kids[base:]) {
		return nil, false
	}
	n.Content = d.content(base)
	return n, true
}

// hasDuplicateKey reports whether two keys of a mapping's keys and values
// (alternating) are equal. Most mappings have a few keys, compared
// pairwise; a map is only worth it for many.
func hasDuplicateKey(content []*yaml.Node) bool {
	n := len(content) / 2
	if n > 16 {
		seen := make(map[string]bool, n)
		for i := 0; i < len(content); i += 2 {
			if seen[content[i].Value] {
				return true
			}
			seen[content[i].Value] = true
		}
		return false
	}
	for i := 0; i < len(content); i += 2 {
		for j := i + 2; j < len(content); j += 2 {
			if content[i].Value == content[j].Value {
				return true
			}
		}
	}
	return false
}

// key decodes a member's name and its colon and appends the name's node
// to d.kids, leaving d.i at the member's value. yaml.v3 takes the name for
// an implicit key only when the colon is on the same line and at most
// 1024 characters after the opening quote; bytes are counted here, which
// are never fewer.
func (d *jsonDecoder) key() bool {
	if d.i >= len(d.src) || d.src[d.i] != '"' {
		return false
	}
	line, start := d.line, d.i
	k, ok := d.str()
	if !ok || !d.skipSpace() || d.i >= len(d.src) || d.src[d.i] != ':' {
		return false
	}
	if d.line != line || d.i-start > 1024 {
		return false
	}
	d.i++
	d.kids = append(d.kids, k)
	return d.skipSpace()
}

// content moves the children of the collection whose first child is at
// a.kids[base] to a slice of their own: nil for none, as yaml.v3 leaves
// it. The slice's capacity is its length, so appending to one node's
// Content never writes into another's.
func (a *nodeArena) content(base int) []*yaml.Node {
	kids := a.kids[base:]
	if len(kids) == 0 {
		return nil
	}
	if len(kids) > len(a.ptrs) {
		a.ptrs = make([]*yaml.Node, max(len(kids), min(ptrBlock, 8+a.size/32)))
	}
	c := a.ptrs[:len(kids):len(kids)]
	a.ptrs = a.ptrs[len(kids):]
	copy(c, kids)
	a.kids = a.kids[:base]
	return c
}

// literal decodes true, false or null, which yaml.v3 resolves to !!bool
// and !!null plain scalars.
func (d *jsonDecoder) literal(word, tag string) (*yaml.Node, bool) {
	if len(d.src)-d.i < len(word) || string(d.src[d.i:d.i+len(word)]) != word {
		return nil, false
	}
	n := d.node(yaml.ScalarNode, tag)
	n.Value = word
	d.i += len(word)
	return n, true
}

// number decodes a JSON number: a plain scalar whose value is the text as
// written, tagged as yaml.v3 resolves it.
func (d *jsonDecoder) number() (*yaml.Node, bool) {
	n := d.node(yaml.ScalarNode, "")
	start := d.i
	integral := true
	if d.peek() == '-' {
		d.i++
	}
	switch {
	case d.peek() == '0':
		d.i++
	case d.digits() == 0:
		return nil, false
	}
	if d.peek() == '.' {
		d.i++
		integral = false
		if d.digits() == 0 {
			return nil, false
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.i++
		integral = false
		if c := d.peek(); c == '+' || c == '-' {
			d.i++
		}
		if d.digits() == 0 {
			return nil, false
		}
	}
	n.Value = string(d.src[start:d.i])
	var ok bool
	n.Tag, ok = numberTag(n.Value, integral)
	return n, ok
}

// numberTag returns the tag yaml.v3 resolves the JSON number text to: an
// integer that fits 64 bits (signed or not) is !!int, any other number
// !!float, unless it overflows a float64, which yaml.v3 leaves a string
// (ok is false then).
func numberTag(text string, integral bool) (string, bool) {
	if integral {
		if _, err := strconv.ParseInt(text, 10, 64); err == nil {
			return yamltag.Int, true
		}
		if _, err := strconv.ParseUint(text, 10, 64); err == nil {
			return yamltag.Int, true
		}
	}
	if _, err := strconv.ParseFloat(text, 64); err == nil {
		return yamltag.Float, true
	}
	return "", false
}

// peek returns the byte at d.i, or 0 at the end.
func (d *jsonDecoder) peek() byte {
	if d.i < len(d.src) {
		return d.src[d.i]
	}
	return 0
}

// digits skips decimal digits and returns how many.
func (d *jsonDecoder) digits() int {
	start := d.i
	for d.i < len(d.src) && d.src[d.i] >= '0' && d.src[d.i] <= '9' {
		d.i++
	}
	return d.i - start
}

// str decodes a string: a double-quoted scalar, always !!str.
func (d *jsonDecoder) str() (*yaml.Node, bool) {
	n := d.node(yaml.ScalarNode, yamltag.Str)
	n.Style = yaml.DoubleQuotedStyle
	d.i++ // the opening quote
	start := d.i
	// Most strings are ASCII without escapes: their value is the text
	// between the quotes. Each value is a string of its own, as yaml.v3's
	// are: substrings of one copy of the template would keep all of it
	// alive as long as the model keeps any value (+5% peak RSS at
	// cfn-100x).
	for d.i < len(d.src) {
		c := d.src[d.i]
		if c == '"' {
			n.Value = string(d.src[start:d.i])
			d.i++
			return n, true
		}
		if c == '\\' || c < 0x20 || c >= 0x7f {
			break
		}
		d.i++
	}
	v, ok := d.strSlow(start)
	n.Value = v
	return n, ok
}

// strSlow decodes the rest of a string that starts at start and holds an
// escape, a control character or a non-ASCII character before d.i.
func (d *jsonDecoder) strSlow(start int) (string, bool) {
	var buf []byte // the decoded value once an escape is met, else nil
	for d.i < len(d.src) {
		c := d.src[d.i]
		switch {
		case c == '"':
			d.i++
			if buf == nil {
				return string(d.src[start : d.i-1]), true
			}
			return string(buf), true
		case c == '\\':
			if buf == nil {
				buf = append(make([]byte, 0, d.i-start+16), d.src[start:d.i]...)
			}
			var ok bool
			if buf, ok = d.escape(buf); !ok {
				return "", false
			}
		case c < 0x20 || c == 0x7f:
			return "", false
		case c < utf8.RuneSelf:
			buf = appendIf(buf, c)
			d.i++
		default:
			r, size := utf8.DecodeRune(d.src[d.i:])
			if !yamlPrintable(r, size) {
				return "", false
			}
			if buf != nil {
				buf = append(buf, d.src[d.i:d.i+size]...)
			}
			d.i += size
			d.extra += size - 1
		}
	}
	return "", false
}

// appendIf appends c to buf unless buf is nil (no escape met yet).
func appendIf(buf []byte, c byte) []byte {
	if buf == nil {
		return nil
	}
	return append(buf, c)
}

// yamlPrintable reports whether a decoded non-ASCII character may appear
// in a string as yaml.v3 reads it: valid UTF-8, and neither a character
// its reader rejects (C1 controls, U+FFFE, U+FFFF) nor one it takes for a
// line break (U+0085, U+2028, U+2029).
func yamlPrintable(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return false
	case r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfffe, r == 0xffff:
		return false
	}
	return true
}

// escape decodes the escape sequence at d.i, appending its character to
// buf. \/ and escaped surrogates (\uD800-\uDFFF, which JSON uses for
// pairs) fail: yaml.v3 rejects both.
func (d *jsonDecoder) escape(buf []byte) ([]byte, bool) {
	if d.i+1 >= len(d.src) {
		return buf, false
	}
	c := d.src[d.i+1]
	d.i += 2
	switch c {
	case '"', '\\':
		return append(buf, c), true
	case 'b':
		return append(buf, '\b'), true
	case 'f':
		return append(buf, '\f'), true
	case 'n':
		return append(buf, '\n'), true
	case 'r':
		return append(buf, '\r'), true
	case 't':
		return append(buf, '\t'), true
	case 'u':
		if d.i+4 > len(d.src) {
			return buf, false
		}
		r, ok := hex4(d.src[d.i : d.i+4])
		if !ok || r >= 0xd800 && r <= 0xdfff {
			return buf, false
		}
		d.i += 4
		return utf8.AppendRune(buf, r), true
	}
	return buf, false
}

// hex4 decodes the four hexadecimal digits of a \u escape.
func hex4(h []byte) (rune, bool) {
	var r rune
	for _, c := range h {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
