package cfn

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// prescanBytewise is prescan as it was before its byte table: one switch
// per byte. prescan must give the same answers.
func prescanBytewise(file string, src []byte) error {
	line, flow := 1, 0
	lead, inLead := 0, true
	for i, c := range src {
		switch c {
		case '\n':
			line++
			lead, inLead = 0, true
			continue
		case ' ', '-', '?', '\t':
			if inLead {
				lead++
				if lead > prescanDepth {
					return depthError(file, line, 0)
				}
				continue
			}
		case '[', '{':
			flow++
			if flow > prescanDepth {
				return depthError(file, line, column(src, i))
			}
		case ']', '}':
			if flow > 0 {
				flow--
			}
		}
		inLead = false
	}
	return nil
}

var prescanSeeds = []string{
	"",
	"\n\n",
	"a: [b, {c: d}]\n",
	strings.Repeat(" ", prescanDepth) + "a\n",
	"x\n" + strings.Repeat("- ", prescanDepth/2) + "-a\n",
	"x\n" + strings.Repeat("- ", prescanDepth/2) + " \n",
	"a: " + strings.Repeat("[", prescanDepth) + "\n" + strings.Repeat("]", prescanDepth) + "[\n",
	"a: " + strings.Repeat("[", prescanDepth+1),
	"é: " + strings.Repeat("{", prescanDepth/2) + "\n  " + strings.Repeat("{", prescanDepth/2+1),
	"]]]}}" + strings.Repeat("[", prescanDepth) + "x[",
	"\t- [ ? x",
}

func samePrescan(t *testing.T, name string, src []byte) {
	t.Helper()
	got, want := fmt.Sprint(prescan("f.yaml", src)), fmt.Sprint(prescanBytewise("f.yaml", src))
	if got != want {
		t.Errorf("%s: prescan %s, bytewise %s", name, got, want)
	}
}

func TestPrescanBytewise(t *testing.T) {
	for i, s := range prescanSeeds {
		samePrescan(t, fmt.Sprintf("seed %d", i), []byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, f := range files {
		if src, err := os.ReadFile(f); err == nil {
			samePrescan(t, f, src)
		}
	}
}

func FuzzPrescan(f *testing.F) {
	for _, s := range prescanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		samePrescan(t, "fuzz", src)
	})
}
