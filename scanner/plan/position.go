package plan

import (
	"bytes"
	"encoding/binary"
	"sort"
	"unicode/utf8"

	"github.com/stackgate/stackgate/policies/model"
)

// lineIndex converts byte offsets of one file to model positions.
type lineIndex struct {
	file  string
	src   []byte
	lines []int // byte offset where each line starts
	// A cursor: the last offset converted, its line (index into lines)
	// and column. terraform show -json writes the whole plan on one line,
	// so counting code points from the line start for every position
	// would be quadratic in the file size; offsets converted in
	// increasing order count only the bytes between them.
	curOff, curLine, curCol int
}

// newLineIndex returns the index of src, with its lines found now; a
// lineIndex made without them finds them when it first converts an
// offset (decode converts one only for an error).
func newLineIndex(file string, src []byte) *lineIndex {
	x := &lineIndex{file: file, src: src, curCol: 1}
	x.findLines()
	return x
}

func (x *lineIndex) findLines() {
	src := x.src
	lines := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		lines = append(lines, i)
	}
	x.lines = lines
}

// pos returns the position of byte offset off (clamped to the input).
// Columns count code points, as the model requires.
func (x *lineIndex) pos(off int) model.Pos {
	if x.lines == nil {
		x.findLines()
	}
	off = max(0, min(off, len(x.src)))
	l := sort.Search(len(x.lines), func(i int) bool { return x.lines[i] > off }) - 1
	var col int
	if l == x.curLine && off >= x.curOff {
		col = x.curCol + utf8.RuneCount(x.src[x.curOff:off])
	} else {
		col = utf8.RuneCount(x.src[x.lines[l]:off]) + 1
	}
	x.curOff, x.curLine, x.curCol = off, l, col
	return model.Pos{Line: l + 1, Column: col, Byte: off}
}

func (x *lineIndex) rng(start, end int) model.Range {
	return model.Range{Filename: x.file, Start: x.pos(start), End: x.pos(end)}
}

// entrySpan is where one resource_changes or resource_drift entry is in the
// plan JSON: the whole object and its "address" value.
type entrySpan struct {
	whole, address model.Range
}

// locateEntries finds the entries of the top-level resource_changes and
// resource_drift arrays, in order. It runs beside decode, so the input
// may not be valid JSON (its result is then not used); anything
// unexpected means nothing more is located, never a failure, and every
// step moves forward. It scans the bytes in place,
// allocating nothing but the spans, and converts offsets in increasing
// order.
func locateEntries(x *lineIndex) (changes, drift []entrySpan) {
	src := x.src
	i := skipSpace(src, 0)
	if i >= len(src) || src[i] != '{' {
		return nil, nil
	}
	i++
	for {
		i = skipSpace(src, i)
		if i >= len(src) || src[i] != '"' {
			return changes, drift
		}
		kEnd := skipString(src, i)
		key := memberName(src[i:kEnd])
		i = skipSpace(src, kEnd)
		if i >= len(src) || src[i] != ':' {
			return changes, drift
		}
		i = skipSpace(src, i+1)
		var dst *[]entrySpan
		switch key {
		case "resource_changes":
			dst = &changes
		case "resource_drift":
			dst = &drift
		}
		if dst != nil && i < len(src) && src[i] == '[' {
			i = skipSpace(src, i+1)
			for i < len(src) && src[i] != ']' {
				start := i
				a, b, ok := addressSpan(src, start)
				end := skipValue(src, start)
				if end <= start {
					// Not a value (the text is not valid JSON: decode
					// reports it, and locateEntries runs beside decode).
					return changes, drift
				}
				sp := entrySpan{}
				if ok {
					sp.whole.Start = x.pos(start)
					sp.address = x.rng(a, b)
				} else {
					sp.whole.Start = x.pos(start)
					sp.address = x.rng(start, start+1)
				}
				sp.whole.Filename, sp.whole.End = x.file, x.pos(end)
				*dst = append(*dst, sp)
				i = skipSpace(src, end)
				if i < len(src) && src[i] == ',' {
					i = skipSpace(src, i+1)
				}
			}
			i++ // ]
		} else {
			i = skipValue(src, i)
		}
		i = skipSpace(src, i)
		if i >= len(src) || src[i] != ',' {
			return changes, drift
		}
		i++
	}
}

// memberName returns the name of an object member from its quoted form.
func memberName(q []byte) string {
	if bytes.IndexByte(q, '\\') < 0 && len(q) >= 2 {
		return string(q[1 : len(q)-1])
	}
	var s string
	if unquote(q, &s) {
		return s
	}
	return ""
}

// addressSpan returns the byte span of the "address" member's value of
// the JSON object at offset obj of src.
func addressSpan(src []byte, obj int) (int, int, bool) {
	if obj >= len(src) || src[obj] != '{' {
		return 0, 0, false
	}
	i := obj + 1
	for {
		i = skipSpace(src, i)
		if i >= len(src) || src[i] != '"' {
			return 0, 0, false
		}
		kEnd := skipString(src, i)
		key := src[i:kEnd]
		i = skipSpace(src, kEnd)
		if i >= len(src) || src[i] != ':' {
			return 0, 0, false
		}
		i = skipSpace(src, i+1)
		end := skipValue(src, i)
		if string(key) == `"address"` || (bytes.IndexByte(key, '\\') >= 0 && memberName(key) == "address") {
			return i, end, true
		}
		i = skipSpace(src, end)
		if i >= len(src) || src[i] != ',' {
			return 0, 0, false
		}
		i++
	}
}

func skipSpace(src []byte, i int) int {
	for i < len(src) {
		switch src[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset after the JSON string starting at i.
func skipString(src []byte, i int) int {
	for j := i + 1; j < len(src); j++ {
		// Most bytes are neither a quote nor a backslash: skip them
		// eight at a time, then one at a time without the switch.
		for j+8 <= len(src) && !quoteOrBackslash(binary.LittleEndian.Uint64(src[j:])) {
			j += 8
		}
		for j < len(src) && skipStop[src[j]]&stopString == 0 {
			j++
		}
		if j >= len(src) {
			break
		}
		switch src[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(src)
}

// quoteOrBackslash reports whether one of the eight bytes of x is a quote
// or a backslash: a byte equal to c is a zero byte of x^(c*lo), and
// (y-lo)&^y&hi has the high bit of the first zero byte of y set (and
// no bit at all without one).
func quoteOrBackslash(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q, bs := x^('"'*lo), x^('\\'*lo)
	return ((q-lo)&^q|(bs-lo)&^bs)&hi != 0
}

// skipStop marks the bytes skipString (stopString) and the bracket
// counting of skipValue (stopNested) must look at; the others are passed
// over in a tight loop.
var skipStop = func() (t [256]uint8) {
	t['"'] = stopString | stopNested
	t['\\'] = stopString
	for _, c := range []byte("{}[]") {
		t[c] = stopNested
	}
	return t
}()

const (
	stopString = 1 << iota
	stopNested
)

// skipValue returns the offset after the JSON value starting at i.
func skipValue(src []byte, i int) int {
	if i >= len(src) {
		return i
	}
	switch src[i] {
	case '"':
		return skipString(src, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(src); j++ {
			for j < len(src) && skipStop[src[j]]&stopNested == 0 {
				j++
			}
			if j >= len(src) {
				break
			}
			switch src[j] {
			case '"':
				j = skipString(src, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(src)
	}
	j := i
	for j < len(src) {
		switch src[j] {
		case ',', ']', '}', ' ', '\t', '\r', '\n':
			return j
		}
		j++
	}
	return j
}
