package plan

import (
	"bytes"
	"encoding/json"
	"sort"
	"unicode/utf8"

	"github.com/stackgate/stackgate/policies/model"
)

// lineIndex converts byte offsets of one file to model positions.
type lineIndex struct {
	file  string
	src   []byte
	lines []int // byte offset where each line starts
}

func newLineIndex(file string, src []byte) *lineIndex {
	lines := []int{0}
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		lines = append(lines, i)
	}
	return &lineIndex{file: file, src: src, lines: lines}
}

// pos returns the position of byte offset off (clamped to the input).
// Columns count code points, as the model requires.
func (x *lineIndex) pos(off int) model.Pos {
	off = max(0, min(off, len(x.src)))
	l := sort.Search(len(x.lines), func(i int) bool { return x.lines[i] > off }) - 1
	return model.Pos{Line: l + 1, Column: utf8.RuneCount(x.src[x.lines[l]:off]) + 1, Byte: off}
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
// resource_drift arrays, in order. The plan has already been decoded
// successfully, so errors here mean nothing is located, never a failure.
func locateEntries(x *lineIndex) (changes, drift []entrySpan) {
	dec := json.NewDecoder(bytes.NewReader(x.src))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return changes, drift
		}
		key, _ := t.(string)
		var dst *[]entrySpan
		switch key {
		case "resource_changes":
			dst = &changes
		case "resource_drift":
			dst = &drift
		}
		if dst == nil {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return changes, drift
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return changes, drift
		}
		for dec.More() {
			from := int(dec.InputOffset())
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				return changes, drift
			}
			end := int(dec.InputOffset())
			start := end - len(raw)
			if start < from {
				start = from
			}
			sp := entrySpan{whole: x.rng(start, end)}
			if a, b, ok := addressSpan(raw); ok {
				sp.address = x.rng(start+a, start+b)
			} else {
				sp.address = x.rng(start, start+1)
			}
			*dst = append(*dst, sp)
		}
		if _, err := dec.Token(); err != nil {
			return changes, drift
		}
	}
	return changes, drift
}

// addressSpan returns the byte span of the "address" member's value in one
// JSON object, relative to obj.
func addressSpan(obj []byte) (int, int, bool) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, 0, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return 0, 0, false
		}
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return 0, 0, false
		}
		if t == "address" {
			end := int(dec.InputOffset())
			return end - len(raw), end, true
		}
	}
	return 0, 0, false
}
