package plan

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"strings"
)

// The first pass of fastDecode used to be encoding/json.Unmarshal over the
// whole input: one core validated every byte (checkValid, about 130 MB/s)
// and then walked most of them again to skip the members it does not
// decode, a quarter of the loader's time on a large plan before any other
// core had work. splitPlan does that pass instead: it validates the whole
// input with validValue (about 1 GB/s), decodes the small top-level
// members with encoding/json (a document of those members alone, the
// large ones replaced by empty values of their kind), and keeps the text
// of resource_changes, resource_drift and configuration for decodeRest,
// which decodes them on every core.
//
// It only ever speeds up a plan that encoding/json would decode the same
// way: whatever it is not sure of (a member name with escapes or
// non-ASCII letters, one that matches a field only without regard to
// case, a repeated member, anything invalid or nested deeper than
// MaxDepth) makes decode check the limits as it did and use encoding/json
// for the first pass (fastDecode), which reports the error or decodes
// what is unusual as it always did. A plan it reads passes those checks,
// so they are not made again (tooDeep is another pass over the input).

// planMembers are the top-level members splitPlan leaves out of the
// first pass when they are arrays or objects: decoded later from their
// text (entries, configuration) or never read (only validated). Every
// other member is decoded by the first pass.
var planMembers = map[string]memberUse{
	"resource_changes":    useEntries,
	"resource_drift":      useEntries,
	"configuration":       useConfig,
	"planned_values":      useSkip,
	"prior_state":         useSkip,
	"output_changes":      useSkip,
	"relevant_attributes": useSkip,
	"checks":              useSkip,
	"deferred_changes":    useSkip,
}

type memberUse int

const (
	useFirstPass memberUse = iota
	useEntries
	useConfig
	useSkip
)

// fieldNames are the JSON names of the fields of fastDoc (with those of
// the tfjson.Plan it embeds): encoding/json matches a member to a field
// without regard to case, and splitPlan leaves a name that matches one
// only that way to encoding/json.
var fieldNames = func() map[string]bool {
	names := map[string]bool{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				add(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			names[name] = true
		}
	}
	add(reflect.TypeFor[fastDoc]())
	return names
}()

// splitPlan does decode's first pass over src (see above). ok is false
// when src is not valid JSON nested at most MaxDepth deep, or not a plan
// it is sure to read as encoding/json would; decode then checks the
// limits and uses encoding/json (fastDecode).
func splitPlan(src []byte) (doc *fastDoc, ok bool) {
	i := skipSpace(src, 0)
	if i >= len(src) || src[i] != '{' {
		return nil, false
	}
	var mini bytes.Buffer
	mini.WriteByte('{')
	seen := map[string]bool{}
	var changes, drift, config []byte
	i = skipSpace(src, i+1)
	if i < len(src) && src[i] == '}' {
		i++
	} else {
		for {
			if i >= len(src) || src[i] != '"' {
				return nil, false
			}
			kEnd, ok := validString(src, i)
			if !ok {
				return nil, false
			}
			key := src[i:kEnd]
			name := string(key[1 : len(key)-1])
			if !plainName(name) || seen[name] {
				return nil, false
			}
			seen[name] = true
			use := planMembers[name]
			if !fieldNames[name] && foldsToField(name) {
				return nil, false
			}
			i = skipSpace(src, kEnd)
			if i >= len(src) || src[i] != ':' {
				return nil, false
			}
			i = skipSpace(src, i+1)
			if i >= len(src) {
				return nil, false
			}
			start := i
			var val []byte
			switch c := src[i]; {
			case (use == useEntries && c == '[') || (use == useConfig && c == '{'):
				// Decoded later from its text; a stand-in of the same
				// kind goes to the first pass.
				end, ok := validNested(src, i, 1)
				if !ok {
					return nil, false
				}
				i = end
				switch name {
				case "resource_changes":
					changes = src[start:i]
				case "resource_drift":
					drift = src[start:i]
				default:
					config = src[start:i]
				}
				val = standIn(c)
			case use == useSkip && (c == '[' || c == '{'):
				end, ok := validNested(src, i, 1)
				if !ok {
					return nil, false
				}
				i = end
				val = standIn(c)
			default:
				end, ok := validNested(src, i, 1)
				if !ok {
					return nil, false
				}
				i = end
				val = src[start:i]
			}
			if mini.Len() > 1 {
				mini.WriteByte(',')
			}
			mini.Write(key)
			mini.WriteByte(':')
			mini.Write(val)
			i = skipSpace(src, i)
			if i < len(src) && src[i] == ',' {
				i = skipSpace(src, i+1)
				continue
			}
			if i < len(src) && src[i] == '}' {
				i++
				break
			}
			return nil, false
		}
	}
	if skipSpace(src, i) != len(src) {
		return nil, false // encoding/json reports the data after the object
	}
	mini.WriteByte('}')
	doc = &fastDoc{}
	if err := json.Unmarshal(mini.Bytes(), doc); err != nil {
		return nil, false
	}
	// The stand-ins decoded to empty lists and configuration; the members
	// themselves are decoded from their text by decodeRest.
	doc.ResourceChanges, doc.ResourceDrift, doc.Configuration = changes, drift, config
	return doc, true
}

// standIn is the smallest value of the kind that opens with c.
func standIn(c byte) []byte {
	if c == '[' {
		return []byte("[]")
	}
	return []byte("{}")
}

// plainName reports whether a member name is ASCII without escapes or
// quotes, so that its text is its name and the only names it matches
// without regard to case are those that differ in ASCII case.
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c == '\\' {
			return false
		}
	}
	return true
}

// foldsToField reports whether name matches a field of fastDoc without
// regard to ASCII case (plainName names only).
func foldsToField(name string) bool {
	for f := range fieldNames {
		if len(f) == len(name) && bytes.EqualFold([]byte(f), []byte(name)) {
			return true
		}
	}
	return false
}

// strPlain marks the bytes that need no attention inside a JSON string:
// everything but the quote, the backslash and control characters.
// encoding/json accepts invalid UTF-8 in strings (and replaces it), so
// those bytes are plain too.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// quoteBackslashOrControl is quoteOrBackslash that also holds for a
// control character (a byte under 0x20): (x-0x20*lo)&^x&hi has the high
// bit of the first byte of x under 0x20 set (and none without one).
func quoteBackslashOrControl(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	return quoteOrBackslash(x) || (x-0x20*lo)&^x&hi != 0
}

// validString validates the JSON string at b[i] (a quote) as
// encoding/json's scanner does and returns the offset after it.
func validString(b []byte, i int) (int, bool) {
	i++
	for {
		for i+8 <= len(b) && !quoteBackslashOrControl(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		for i < len(b) && strPlain[b[i]] {
			i++
		}
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case '"':
			return i + 1, true
		case '\\':
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return i, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return i, false
					}
				}
				i += 6
			default:
				return i, false
			}
		default:
			return i, false // a control character
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// validValue validates the JSON value at b[i] (no space before it) by the
// grammar encoding/json's scanner checks and returns the offset after it.
// It is several times faster than json.Valid, which calls a state
// function for every byte. A value nested deeper than MaxDepth is not
// valid here (tooDeep reports it).
func validValue(b []byte, i int) (int, bool) {
	return validNested(b, i, 0)
}

// validNested is validValue for a value inside depth arrays and objects.
func validNested(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; c {
	case '"':
		return validString(b, i)
	case '{':
		if depth++; depth > MaxDepth {
			return i, false
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == '}' {
			return i + 1, true
		}
		for {
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			var ok bool
			if i, ok = validString(b, i); !ok {
				return i, false
			}
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				return i, false
			}
			if i, ok = validNested(b, skipSpace(b, i+1), depth); !ok {
				return i, false
			}
			var done bool
			if i, done, ok = nextElement(b, i, '}'); !ok || done {
				return i, ok
			}
			i = skipSpace(b, i)
		}
	case '[':
		if depth++; depth > MaxDepth {
			return i, false
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			if i, ok = validNested(b, i, depth); !ok {
				return i, false
			}
			var done bool
			if i, done, ok = nextElement(b, i, ']'); !ok || done {
				return i, ok
			}
			i = skipSpace(b, i)
		}
	case 't':
		return i + 4, bytes.HasPrefix(b[i:], []byte("true"))
	case 'f':
		return i + 5, bytes.HasPrefix(b[i:], []byte("false"))
	case 'n':
		return i + 4, bytes.HasPrefix(b[i:], []byte("null"))
	}
	// A number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return i, false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return i, false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	return i, true
}

// nextElement reads what follows a member or element of an object or
// array at b[i:], after spaces: a comma (next is just after it) or the
// container's closing byte (next is just after the container, done). Not
// ok for anything else; next is then where it is.
func nextElement(b []byte, i int, closing byte) (next int, done, ok bool) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, false, false
	}
	switch b[i] {
	case ',':
		return i + 1, false, true
	case closing:
		return i + 1, true, true
	}
	return i, false, false
}

// splitArray splits the text of a JSON array into its elements, checking
// the brackets and commas between them strictly; the elements themselves
// are found by their brackets and validated by whoever decodes them.
func splitArray(r []byte) ([][]byte, bool) {
	if len(r) < 2 || r[0] != '[' || r[len(r)-1] != ']' {
		return nil, false
	}
	out := [][]byte{}
	i := skipSpace(r, 1)
	if i == len(r)-1 {
		return out, true
	}
	for {
		if i >= len(r)-1 {
			return nil, false
		}
		end := skipValue(r, i)
		if end > len(r)-1 || end == i {
			return nil, false
		}
		out = append(out, r[i:end])
		i = skipSpace(r, end)
		switch {
		case i == len(r)-1:
			return out, true
		case r[i] == ',':
			i = skipSpace(r, i+1)
		default:
			return nil, false
		}
	}
}
