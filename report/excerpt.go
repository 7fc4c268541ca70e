package report

import (
	"io"
	"strconv"
	"strings"
	"unicode"

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
}

// splitLines splits source into lines without their line terminators.
func splitLines(src []byte) []string {
	s := string(src)
	s = strings.TrimSuffix(s, "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// buildExcerpt returns the rows of f's excerpt from the file's lines, or nil
// when f has no position inside them. width is the room for source text.
func buildExcerpt(lines []string, f *model.Finding, width int) []excerptLine {
	start, end := f.Line, f.EndLine
	if start < 1 || start > len(lines) {
		return nil
	}
	startCol, endCol := max(f.Column, 1), f.EndColumn
	const eol = int(^uint(0) >> 1) // "to the end of the line"
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
		runes := []rune(clean(lines[n-1]))
		disp, cols := expandTabs(runes)
		row := excerptLine{num: n, text: string(disp)}
		if n == start || n == end {
			from := firstNonSpace(runes) + 1
			if n == start {
				from = startCol
			}
			to := len(runes) + 1
			if n == end {
				switch endCol {
				case 0:
					to = from + 1
				case eol:
				default:
					to = endCol
				}
			}
			from = min(from, len(runes)+1)
			to = min(to, len(runes)+1)
			if to <= from {
				to = from + 1
			}
			row.from, row.to = displayCol(cols, from), displayCol(cols, to)
			row.head = n == start
		}
		rows = append(rows, row)
	}
	return fitWidth(rows, width)
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
		widest = max(widest, len([]rune(r.text)), r.to)
		if markAt < 0 && r.to > 0 {
			markAt = r.from
		}
	}
	if widest <= width || width < 8 {
		return rows
	}
	ws := max(0, markAt-width/3)
	we := ws + width
	for i, r := range rows {
		text := []rune(r.text)
		cut := text[min(ws, len(text)):min(we, len(text))]
		cut = append([]rune(nil), cut...)
		if ws > 0 && len(cut) > 0 {
			cut[0] = '…'
		}
		if len(text) > we && len(cut) > 0 {
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
