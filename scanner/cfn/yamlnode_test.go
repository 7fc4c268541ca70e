package cfn

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// nonASCIIBytewise is nonASCIILines as it was: one pass over every byte.
func nonASCIIBytewise(src []byte) map[int]bool {
	set := make(map[int]bool)
	l := 1
	for _, c := range src {
		if c == '\n' {
			l++
		} else if c >= utf8.RuneSelf {
			set[l] = true
		}
	}
	return set
}

var nonASCIISeeds = []string{
	"", "\n", "abc", "é", "a\nb\né\n", "12345678é\n\n", "\n1234567\xff12345678\nx", "ééééééééé\nabcdefghijklmnop\n€",
}

func sameNonASCII(t *testing.T, name string, src []byte) {
	t.Helper()
	if got, want := nonASCIILines(src, lineStarts(src)), nonASCIIBytewise(src); !maps.Equal(got, want) {
		t.Errorf("%s: nonASCIILines %v, bytewise %v", name, got, want)
	}
}

func TestNonASCIILines(t *testing.T) {
	for _, s := range nonASCIISeeds {
		sameNonASCII(t, s, []byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, f := range files {
		if src, err := os.ReadFile(f); err == nil {
			sameNonASCII(t, f, src)
		}
	}
}

func FuzzNonASCIILines(f *testing.F) {
	for _, s := range nonASCIISeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		sameNonASCII(t, "fuzz", src)
	})
}
