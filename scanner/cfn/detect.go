package cfn

import (
	"bytes"
	"encoding/json"
	"regexp"
)

// detectWindow bounds how much of a file IsTemplate looks at: the
// signature of a template (its format version, or a Resources section with
// AWS types) appears near the top of any real one.
const detectWindow = 256 << 10

var (
	versionRe = regexp.MustCompile(`(?m)^(?:\xef\xbb\xbf)?["']?AWSTemplateFormatVersion["']?\s*:|"AWSTemplateFormatVersion"\s*:`)
	// A Resources section at the top level of YAML, or anywhere in JSON.
	resourcesRe = regexp.MustCompile(`(?m)^(?:\xef\xbb\xbf)?["']?Resources["']?\s*:|"Resources"\s*:`)
	// A resource Type with an AWS, Custom or Alexa namespace.
	typeRe = regexp.MustCompile(`["']?Type["']?\s*:\s*["']?(?:AWS|Custom|Alexa)::[A-Za-z0-9]`)
)

// IsTemplate reports whether src looks like a CloudFormation template: it
// declares AWSTemplateFormatVersion, or it has a Resources section with a
// Type in the AWS::, Custom:: or Alexa:: namespace (SAM templates often have
// no version). It reads at most the first 256 KiB, does not parse, and never
// fails; Load is the authority.
func IsTemplate(src []byte) bool {
	if len(src) > detectWindow {
		src = src[:detectWindow]
	}
	if !bytes.Contains(src, []byte("AWSTemplateFormatVersion")) && !bytes.Contains(src, []byte("Resources")) {
		return false
	}
	// A JSON template names AWSTemplateFormatVersion or Resources as a
	// key of its top-level object: a quick scan for those keys settles
	// most JSON files without decoding them (see topLevelHint).
	hint := topLevelHint(src)
	if hint == hintVersion {
		return true
	}
	if hint == 0 {
		if keys, ok := jsonTopLevelKeys(src); ok {
			// JSON: the keys must be those of the template itself, not
			// of a document that holds one (a macro event's "fragment").
			if !keys["AWSTemplateFormatVersion"] && !keys["Resources"] {
				return false
			}
		}
	}
	if from := lineOf(src, "AWSTemplateFormatVersion"); from >= 0 && versionRe.Match(src[from:]) {
		return true
	}
	end := resourcesEnd(src)
	if end < 0 {
		return false
	}
	// A match of typeRe starts at most one byte (a quote) before a Type.
	rest := src[end:]
	from := bytes.Index(rest, []byte("Type"))
	return from >= 0 && typeRe.Match(rest[max(from-1, 0):])
}

// The regular expressions above are slow to run over a whole file (most
// of IsTemplate's time on a corpus of templates), and a match must hold
// the key it names. So they are run from the start of the line where the
// key first appears: no match can start before that line (the only text
// a match holds before its key is a byte order mark or a quote, never a
// line break), and ^ still matches there, at the start of a line.

// lineOf returns the offset of the start of the line where word first
// appears in src, or -1 when it does not appear.
func lineOf(src []byte, word string) int {
	i := bytes.Index(src, []byte(word))
	if i < 0 {
		return -1
	}
	return bytes.LastIndexByte(src[:i], '\n') + 1
}

// resourcesEnd returns the end of resourcesRe's leftmost match in src, or
// -1 when it does not match.
func resourcesEnd(src []byte) int {
	from := lineOf(src, "Resources")
	if from < 0 {
		return -1
	}
	loc := resourcesRe.FindIndex(src[from:])
	if loc == nil {
		return -1
	}
	return from + loc[1]
}

// DetectWindow is how much of the start of a file IsTemplate and
// MayBeTemplate read.
const DetectWindow = detectWindow

// MayBeTemplate reports whether head, the start of a file too large to
// load, may be a CloudFormation template. It errs towards yes, since a
// template over the limit must be refused, not skipped: it is true when
// IsTemplate is, when the text declares AWSTemplateFormatVersion anywhere,
// or when it has a Resources section (at the top level of YAML, anywhere
// in JSON), whatever follows it. A UTF-16 head is judged by its text.
func MayBeTemplate(head []byte) bool {
	if text, ok := DecodeUTF16(head); ok {
		head = text
	}
	if len(head) > detectWindow {
		head = head[:detectWindow]
	}
	return IsTemplate(head) || bytes.Contains(head, []byte("AWSTemplateFormatVersion")) || resourcesEnd(head) >= 0
}

// Hints topLevelHint gives.
const (
	hintVersion   = 1 + iota // "AWSTemplateFormatVersion" is a top-level key
	hintResources            // "Resources" is a top-level key
)

// topLevelHint scans src, when it starts as a JSON object, for the keys
// AWSTemplateFormatVersion and Resources of that object (written without
// escapes), tracking only strings and nesting, and returns the hint of
// the first it finds (0 for none). It does not validate: it answers what
// jsonTopLevelKeys would for valid JSON, and for invalid JSON
// jsonTopLevelKeys fails, which leaves IsTemplate to the text as these
// hints do. So a version key found is versionRe's match (its key and
// colon), and a Resources key found means jsonTopLevelKeys cannot reject
// the file. Either key settles IsTemplate's next step (with a later
// version key, versionRe matches it), so the scan stops at the first: in
// most JSON templates it is the first key, and the rest of the file is
// not read.
func topLevelHint(src []byte) int {
	src = bytes.TrimLeft(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(src) == 0 || src[0] != '{' {
		return 0
	}
	depth := 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return 0
			}
		case '"':
			start, escaped := i+1, false
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					escaped = true
					i++
				}
			}
			if i >= len(src) || depth != 1 || escaped {
				continue
			}
			j := i + 1
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r') {
				j++
			}
			if j >= len(src) || src[j] != ':' {
				continue
			}
			switch string(src[start:i]) {
			case "AWSTemplateFormatVersion":
				return hintVersion
			case "Resources":
				return hintResources
			}
		}
	}
	return 0
}

// jsonTopLevelKeys returns the keys of a JSON object document, reading
// past the values without keeping them. ok is false for anything else
// (YAML, malformed or truncated JSON): the caller then goes by the text.
func jsonTopLevelKeys(src []byte) (map[string]bool, bool) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	keys := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		k, ok := t.(string)
		if !ok {
			return nil, false
		}
		keys[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, false
		}
	}
	return keys, true
}
