package lsp

import (
	"sort"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// text is one version of a buffer with its line index. Positions on the
// wire are (line, UTF-16 code unit) pairs; stackgate's ranges carry byte
// offsets, and both are converted here, against the text the findings
// were computed from.
type text struct {
	src   []byte
	lines []int // byte offset of the start of each line
}

func newText(src []byte) *text {
	t := &text{src: src, lines: []int{0}}
	for i, c := range src {
		if c == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	return t
}

// lineEnd is the byte offset of the end of line i, before its newline
// (and a carriage return before it).
func (t *text) lineEnd(i int) int {
	end := len(t.src)
	if i+1 < len(t.lines) {
		end = t.lines[i+1] - 1
		if end > t.lines[i] && t.src[end-1] == '\r' {
			end--
		}
	}
	return end
}

// offset converts a protocol position to a byte offset. Positions past the
// end of a line mean the end of that line, and positions past the last
// line the end of the text (LSP 3.17, Position), so a client's mistaken
// position can never index out of the buffer.
func (t *text) offset(p protocol.Position) int {
	line := int(p.Line)
	if line >= len(t.lines) {
		return len(t.src)
	}
	off, end := t.lines[line], t.lineEnd(line)
	for units := uint32(0); off < end && units < p.Character; {
		r, n := utf8.DecodeRune(t.src[off:end])
		if r == utf8.RuneError && n <= 1 {
			units++
			off++
			continue
		}
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
		off += n
	}
	return off
}

// position converts a byte offset to a protocol position.
func (t *text) position(off int) protocol.Position {
	off = max(0, min(off, len(t.src)))
	line := sort.Search(len(t.lines), func(i int) bool { return t.lines[i] > off }) - 1
	start := t.lines[line]
	return protocol.Position{Line: uint32(line), Character: uint32(utf16Len(t.src[start:off]))}
}

// positionLC converts a 1-based line and column (in characters) to a
// protocol position, for locations that carry no byte offset.
func (t *text) positionLC(line, col int) protocol.Position {
	if line < 1 {
		return protocol.Position{}
	}
	if line > len(t.lines) {
		return t.position(len(t.src))
	}
	start, end := t.lines[line-1], t.lineEnd(line-1)
	off := start
	for c := 1; c < col && off < end; c++ {
		_, n := utf8.DecodeRune(t.src[off:end])
		off += n
	}
	return t.position(off)
}

func utf16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r >= 0x10000 && r <= utf8.MaxRune {
			n += len(utf16.Encode([]rune{r}))
		} else {
			n++
		}
	}
	return n
}

// apply returns the text with one change applied: a whole new text when
// the change has no range.
func (t *text) apply(rng *protocol.Range, repl string) []byte {
	if rng == nil {
		return []byte(repl)
	}
	a, b := t.offset(rng.Start), t.offset(rng.End)
	if b < a {
		a, b = b, a
	}
	out := make([]byte, 0, len(t.src)-(b-a)+len(repl))
	out = append(out, t.src[:a]...)
	out = append(out, repl...)
	return append(out, t.src[b:]...)
}
