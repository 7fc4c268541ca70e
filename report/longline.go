package report

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// longLine is the length from which a source line is not expanded whole
// for an excerpt. `terraform show -json` writes a plan as one line of
// megabytes, and every finding on it would otherwise turn that line into
// runes, tabs expanded, several times over: minutes for a plan with
// thousands of findings. Such a line is read through a runeIndex instead,
// and only the window the excerpt shows is taken out of it.
const longLine = 16 << 10

// indexStep is how many code points apart a runeIndex records offsets.
const indexStep = 1024

// sourceLines is a file's lines, with the index of each long line made
// when an excerpt first needs it.
type sourceLines struct {
	text []string
	long map[int]*runeIndex // by 0-based line number; nil: not plain
}

// splitLines splits source into lines without their line terminators.
func splitLines(src []byte) *sourceLines {
	s := string(src)
	s = strings.TrimSuffix(s, "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return &sourceLines{text: lines}
}

// index returns the runeIndex of line i (0-based) when it is long and
// plain, or nil: a short line, or one with tabs or invalid UTF-8 (whose
// display columns are not its code points), takes the general path.
func (s *sourceLines) index(i int) *runeIndex {
	if len(s.text[i]) < longLine {
		return nil
	}
	if x, ok := s.long[i]; ok {
		return x
	}
	if s.long == nil {
		s.long = map[int]*runeIndex{}
	}
	x := newRuneIndex(s.text[i])
	s.long[i] = x
	return x
}

// runeIndex finds code points of a long line that is valid UTF-8 and has
// no tab, so that its display column is its code point index.
type runeIndex struct {
	line  string
	runes int
	at    []int // at[k] is the byte offset of code point k*indexStep
}

func newRuneIndex(line string) *runeIndex {
	if strings.IndexByte(line, '\t') >= 0 || !utf8.ValidString(line) {
		return nil
	}
	x := &runeIndex{line: line}
	for off := range line {
		if x.runes%indexStep == 0 {
			x.at = append(x.at, off)
		}
		x.runes++
	}
	return x
}

// offset is the byte offset of code point k (len(line) for k >= runes).
func (x *runeIndex) offset(k int) int {
	if k >= x.runes {
		return len(x.line)
	}
	off := x.at[k/indexStep]
	for n := k % indexStep; n > 0; n-- {
		_, size := utf8.DecodeRuneInString(x.line[off:])
		off += size
	}
	return off
}

// window returns code points [from, to) of the line, cleaned.
func (x *runeIndex) window(from, to int) []rune {
	from, to = min(from, x.runes), min(to, x.runes)
	if to <= from {
		return nil
	}
	return []rune(clean(x.line[x.offset(from):x.offset(to)]))
}

// firstNonSpace is the index of the line's first code point that is not
// a space (runes when there is none); it reads only the leading spaces.
func (x *runeIndex) firstNonSpace() int {
	i := 0
	for _, r := range x.line {
		if !unicode.IsSpace(r) {
			return i
		}
		i++
	}
	return i
}
