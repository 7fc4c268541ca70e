package cfn

import (
	"unicode/utf16"
	"unicode/utf8"
)

// DecodeUTF16 decodes src when it starts with a UTF-16 byte order mark
// (little or big endian), as editors on Windows may save a template. ok is
// false for anything else. Only the first 256 KiB are decoded: enough for
// IsTemplate, which is what the text is for (templates must be UTF-8).
func DecodeUTF16(src []byte) (text []byte, ok bool) {
	if len(src) < 2 {
		return nil, false
	}
	var get func(i int) uint16
	switch {
	case src[0] == 0xff && src[1] == 0xfe:
		get = func(i int) uint16 { return uint16(src[i]) | uint16(src[i+1])<<8 }
	case src[0] == 0xfe && src[1] == 0xff:
		get = func(i int) uint16 { return uint16(src[i])<<8 | uint16(src[i+1]) }
	default:
		return nil, false
	}
	end := min(len(src), detectWindow) &^ 1
	units := make([]uint16, 0, end/2)
	for i := 2; i+1 < end; i += 2 {
		units = append(units, get(i))
	}
	out := make([]byte, 0, len(units))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out, true
}
