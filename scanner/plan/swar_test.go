package plan

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestWordPredicates: quoteOrBackslash and quoteBackslashOrControl, which
// skipString and validString use to pass over eight bytes at a time, hold
// of a word exactly when one of its bytes is a quote or a backslash (or,
// for the second, under 0x20): every byte value at every position among
// plain bytes, and random words, biased toward the bytes around the ones
// that stop a string.
func TestWordPredicates(t *testing.T) {
	check := func(b [8]byte) {
		t.Helper()
		x := binary.LittleEndian.Uint64(b[:])
		var qb, ctl bool
		for _, c := range b {
			qb = qb || c == '"' || c == '\\'
			ctl = ctl || c < 0x20
		}
		if got := quoteOrBackslash(x); got != qb {
			t.Fatalf("quoteOrBackslash(%q) = %v, want %v", b[:], got, qb)
		}
		if got := quoteBackslashOrControl(x); got != (qb || ctl) {
			t.Fatalf("quoteBackslashOrControl(%q) = %v, want %v", b[:], got, qb || ctl)
		}
	}
	for pos := range 8 {
		for c := range 256 {
			b := [8]byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
			b[pos] = byte(c)
			check(b)
		}
	}
	near := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, '"' - 1, '"', '"' + 1, '\\' - 1, '\\', '\\' + 1, 0x7f, 0x80, 0x81, 0xa2, 0xdc, 0xff}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b [8]byte
		for i := range b {
			if r.IntN(3) == 0 {
				b[i] = near[r.IntN(len(near))]
			} else {
				b[i] = byte(r.IntN(256))
			}
		}
		check(b)
	}
}
