package cfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/stackgate/stackgate/policies/model"
)

// isJSONFile reports whether file is named as JSON. Such a file is read as
// JSON: the YAML parser, which the loader uses for positions, would accept
// what JSON does not (trailing commas, comments, unquoted keys).
func isJSONFile(file string) bool {
	return strings.EqualFold(filepath.Ext(file), ".json")
}

// checkJSON reports the first JSON syntax error of src with its line and
// column. A UTF-8 byte order mark is allowed.
func checkJSON(file string, src []byte) error {
	body := bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if json.Valid(body) {
		return nil
	}
	var raw json.RawMessage
	err := json.Unmarshal(body, &raw)
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		if err == nil {
			return nil
		}
		return model.Errorf(file, 0, 0, "invalid JSON: %v", err)
	}
	off := len(src) - len(body) + int(syn.Offset)
	if off > 0 {
		off-- // Offset is just past the offending byte
	}
	off = min(off, len(src))
	msg := syn.Error()
	if off < len(src) && (src[off] == '}' || src[off] == ']') {
		bracket := string(src[off])
		// A trailing comma: point at the comma, not at the bracket.
		i := off - 1
		for i >= 0 && isSpace(src[i]) {
			i--
		}
		if i >= 0 && src[i] == ',' {
			off = i
			msg = "trailing comma before " + bracket
		}
	}
	line := 1 + bytes.Count(src[:off], []byte{'\n'})
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	col := utf8.RuneCount(src[start:off]) + 1
	return model.Errorf(file, line, col, "invalid JSON: %s", msg)
}
