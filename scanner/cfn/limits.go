package cfn

import (
	"strconv"
	"unicode/utf8"

	"github.com/stackgate/stackgate/policies/model"
)

// DefaultMaxBytes is the size limit when Options.MaxBytes is 0. It is far
// above what CloudFormation accepts (51,200 bytes inline, 1 MB from S3), so
// only generated or hostile files reach it.
const DefaultMaxBytes = 16 << 20

// MaxDepth bounds the nesting of mappings and sequences in a template. Real
// templates nest a dozen levels at most; the limit keeps every recursive
// walk of the node tree shallow.
const MaxDepth = 128

// prescanDepth bounds the nesting a template may have before it is handed
// to the YAML parser, which builds its node tree recursively. The check is
// a cheap over-estimate (it counts brackets inside strings too), so it uses
// a much larger bound than MaxDepth; MaxDepth is then enforced exactly on
// the parsed tree.
const prescanDepth = 1024

// maxValues bounds how many values evaluation may produce beyond those
// written in the template (Fn::FindInMap, Fn::ForEach and Fn::Cidr copy
// and multiply values), so a small template cannot expand without limit.
const maxValues = 1 << 20

// maxForEachResources bounds how many resources Fn::ForEach may create.
const maxForEachResources = 20000

// maxErrors is how many problems one Load reports before it stops.
const maxErrors = 50

func maxBytes(opts Options) int64 {
	if opts.MaxBytes > 0 {
		return opts.MaxBytes
	}
	return DefaultMaxBytes
}

// checkSize rejects src before any parsing when it exceeds the limit.
func checkSize(file string, src []byte, limit int64) error {
	if int64(len(src)) <= limit {
		return nil
	}
	return model.Errorf(file, 0, 0,
		"template is %d bytes, over the limit of %d bytes (%s); CloudFormation itself accepts at most 1 MB (51,200 bytes inline)",
		len(src), limit, humanBytes(limit))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " KiB"
	}
	return itoa(n) + " bytes"
}

// checkUTF8 reports the line and column of the first invalid UTF-8 byte.
// CloudFormation requires UTF-8; the YAML parser's own message has no line.
func checkUTF8(file string, src []byte) error {
	if utf8.Valid(src) {
		return nil
	}
	if _, ok := DecodeUTF16(src); ok {
		return model.Errorf(file, 0, 0, "the file is UTF-16 (it starts with a UTF-16 byte order mark); CloudFormation reads UTF-8: save it as UTF-8 to have it checked")
	}
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return model.Errorf(file, line, col, "invalid UTF-8 byte 0x%02x: templates must be UTF-8 encoded", src[i])
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return nil
}

// prescan rejects input nested so deeply that building its node tree would
// be costly, before the YAML parser sees it. Block nesting needs at least
// one column per level (indentation, "- " or "? " indicators), flow nesting
// one bracket per level, so the bound is on both: the width of the leading
// indentation and indicator run of a line, and the running count of open
// brackets.
func prescan(file string, src []byte) error {
	line, flow := 1, 0
	for i := 0; i < len(src); line++ {
		// The leading run of the line.
		lead := i
		for i < len(src) && prescanClass[src[i]] == pcLead {
			i++
			if i-lead > prescanDepth {
				return depthError(file, line, 0)
			}
		}
		// The rest of the line: only brackets and its end matter, and a
		// table lookup per byte passes over the rest quickly.
	rest:
		for ; i < len(src); i++ {
			switch prescanClass[src[i]] {
			case pcOpen:
				flow++
				if flow > prescanDepth {
					return depthError(file, line, column(src, i))
				}
			case pcClose:
				if flow > 0 {
					flow--
				}
			case pcNewline:
				break rest
			}
		}
		i++ // past the newline
	}
	return nil
}

// Byte classes of prescan. After the leading run of a line, a lead byte
// is like any other.
const (
	pcOther = iota
	pcLead
	pcOpen
	pcClose
	pcNewline
)

var prescanClass = [256]uint8{
	' ': pcLead, '-': pcLead, '?': pcLead, '\t': pcLead,
	'[': pcOpen, '{': pcOpen,
	']': pcClose, '}': pcClose,
	'\n': pcNewline,
}

// column returns the 1-based column (in code points) of byte offset off.
func column(src []byte, off int) int {
	start := off
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	return utf8.RuneCount(src[start:off]) + 1
}

func depthError(file string, line, col int) error {
	return model.Errorf(file, line, col, "nesting exceeds the limit of %d levels", MaxDepth)
}
