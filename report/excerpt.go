package report

import (
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stackgate/stackgate/policies/model"
)

// Source excerpts: the flagged lines of a finding with two lines of context
// before and one after, line numbers in a gutter, and a ^~~~ marker under
// the flagged columns.
const (
	contextBefore = 2
	contextAfter  = 1
	// tabWidth is the tab stop used to expand tabs, so markers line up
	// whatever the terminal's tab setting.
	tabWidth = 4
	// maxFlagged flagged lines are shown in full; a longer range shows its
	// first and last lines around an elision row. A range over several
	// lines is marked on its first line (from its start) and its last line
	// (to its end); the lines between are plainly inside it.
	maxFlagged = 6
	// defaultWidth is the terminal width assumed when Options.Width is 0.
	defaultWidth = 160
)

// eol as an end column means "to the end of the line".
const eol = int(^uint(0) >> 1)

// excerptLine is one row of an excerpt.
type excerptLine struct {
	// num is the 1-based line number; 0 marks an elision row.
	num int
	// text is the line as displayed: cleaned, tabs expanded, cut to width.
	text string
	// from and to are the display columns (0-based, to exclusive) of the
	// marker; to == 0 means the line has no marker.
	from, to int
	// head is true when the marker starts the flagged range (^ then ~).
	head bool
	// long, when set, is the row's line, which is long: text is left
	// empty and fitWidth takes only the window it shows from long.
	long *runeIndex
}

// width is the row's display width.
func (r excerptLine) width() int {
	if r.long != nil {
		return r.long.runes
	}
	return utf8.RuneCountInString(r.text)
}

// buildExcerpt returns the rows of f's excerpt from the file's lines, or nil
// when f has no position inside them. width is the room for source text.
func buildExcerpt(src *sourceLines, f *model.Finding, width int) []excerptLine {
	lines := src.text
	start, end := f.Line, f.EndLine
	if start < 1 || start > len(lines) {
		return nil
	}
	startCol, endCol := max(f.Column, 1), f.EndColumn
	switch {
	case end < start:
		end, endCol = start, 0
	case end > len(lines):
		end, endCol = len(lines), eol
	case end > start && endCol <= 1:
		// The range ends at the very start of its last line: it really
		// ends with the line before.
		end, endCol = end-1, eol
	}

	var rows []excerptLine
	for n := max(1, start-contextBefore); n <= min(len(lines), end+contextAfter); n++ {
		// Elide only when that hides at least two lines.
		if end-start+1 > maxFlagged+1 && n == start+maxFlagged/2 {
			rows = append(rows, excerptLine{})
			n = end - (maxFlagged - maxFlagged/2) + 1
		}
		if x := src.index(n - 1); x != nil {
			rows = append(rows, longRow(x, n, start, end, startCol, endCol))
			continue
		}
		runes := []rune(clean(lines[n-1]))
		disp, cols := expandTabs(runes)
		row := excerptLine{num: n, text: string(disp)}
		if from, to, ok := markedCols(n, start, end, startCol, endCol, len(runes), func() int { return firstNonSpace(runes) }); ok {
			row.from, row.to = displayCol(cols, from), displayCol(cols, to)
			row.head = n == start
		}
		rows = append(rows, row)
	}
	return fitWidth(rows, width)
}

// longRow is the row of line n, a long plain line, for an excerpt of
// lines start to end: its display columns are its code point columns (a
// column past the end counts one, as displayCol does), and the text is
// left to fitWidth.
func longRow(x *runeIndex, n, start, end, startCol, endCol int) excerptLine {
	row := excerptLine{num: n, long: x}
	if from, to, ok := markedCols(n, start, end, startCol, endCol, x.runes, x.firstNonSpace); ok {
		row.from, row.to = from-1, to-1
		row.head = n == start
	}
	return row
}

// markedCols returns the code point columns [from, to) (1-based) that the
// marker covers on line n, of length code points, in a range from
// start:startCol to end:endCol; ok is false for a line inside the range,
// which has no marker. indent gives the line's first non-space index.
func markedCols(n, start, end, startCol, endCol, length int, indent func() int) (from, to int, ok bool) {
	if n != start && n != end {
		return 0, 0, false
	}
	from = indent() + 1
	if n == start {
		from = startCol
	}
	to = length + 1
	if n == end {
		switch endCol {
		case 0:
			to = from + 1
		case eol:
		default:
			to = endCol
		}
	}
	from = min(from, length+1)
	to = min(to, length+1)
	if to <= from {
		to = from + 1
	}
	return from, to, true
}

// expandTabs expands tabs to tabWidth stops and returns the display runes
// and, for every rune index i (and len(runes)), its display column.
func expandTabs(runes []rune) ([]rune, []int) {
	disp := make([]rune, 0, len(runes))
	cols := make([]int, len(runes)+1)
	for i, r := range runes {
		cols[i] = len(disp)
		if r == '\t' {
			for n := tabWidth - len(disp)%tabWidth; n > 0; n-- {
				disp = append(disp, ' ')
			}
			continue
		}
		disp = append(disp, r)
	}
	cols[len(runes)] = len(disp)
	return disp, cols
}

// displayCol converts a 1-based code point column to a 0-based display
// column; columns past the end of the line count one each.
func displayCol(cols []int, col int) int {
	i := col - 1
	if i < len(cols) {
		return cols[i]
	}
	return cols[len(cols)-1] + i - (len(cols) - 1)
}

func firstNonSpace(runes []rune) int {
	for i, r := range runes {
		if !unicode.IsSpace(r) {
			return i
		}
	}
	return len(runes)
}

// fitWidth cuts every row to one window of width display columns, chosen
// so the first marker is visible, when any row is wider than width
// (minified JSON templates put the whole template on one line). Cut ends
// show an ellipsis.
func fitWidth(rows []excerptLine, width int) []excerptLine {
	widest, markAt := 0, -1
	for _, r := range rows {
		widest = max(widest, r.width(), r.to)
		if markAt < 0 && r.to > 0 {
			markAt = r.from
		}
	}
	if widest <= width || width < 8 {
		for i, r := range rows {
			if r.long != nil {
				rows[i].text, rows[i].long = string(r.long.window(0, r.long.runes)), nil
			}
		}
		return rows
	}
	ws := max(0, markAt-width/3)
	we := ws + width
	for i, r := range rows {
		var cut []rune
		n := 0
		if r.long != nil {
			cut, n = r.long.window(ws, we), r.long.runes
			rows[i].long = nil
		} else {
			text := []rune(r.text)
			cut = append([]rune(nil), text[min(ws, len(text)):min(we, len(text))]...)
			n = len(text)
		}
		if ws > 0 && len(cut) > 0 {
			cut[0] = '…'
		}
		if n > we && len(cut) > 0 {
			cut[len(cut)-1] = '…'
		}
		rows[i].text = string(cut)
		if r.to > 0 {
			from, to := max(r.from-ws, 0), min(r.to-ws, width)
			if to <= from {
				from, to = 0, 0 // the marker lies outside the window
			}
			rows[i].from, rows[i].to = from, to
		}
	}
	return rows
}

// writeExcerpt prints rows with a gutter of line numbers, indented by
// indent; the marker takes sgr's colour.
func writeExcerpt(w io.Writer, st style, rows []excerptLine, indent, sgr string) {
	digits := 2
	for _, r := range rows {
		digits = max(digits, len(strconv.Itoa(r.num)))
	}
	blank := strings.Repeat(" ", digits)
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(indent)
		if r.num == 0 {
			b.WriteString(st.paint(sgrDim, blank+" | ..."))
			b.WriteByte('\n')
			continue
		}
		num := strconv.Itoa(r.num)
		b.WriteString(st.paint(sgrDim, strings.Repeat(" ", digits-len(num))+num+" |"))
		if r.text != "" {
			b.WriteByte(' ')
			b.WriteString(r.text)
		}
		b.WriteByte('\n')
		if r.to > r.from {
			b.WriteString(indent)
			b.WriteString(st.paint(sgrDim, blank+" |"))
			b.WriteByte(' ')
			b.WriteString(strings.Repeat(" ", r.from))
			mark := strings.Repeat("~", r.to-r.from)
			if r.head {
				mark = "^" + mark[1:]
			}
			b.WriteString(st.paint(sgr, mark))
			b.WriteByte('\n')
		}
	}
	io.WriteString(w, b.String())
}
