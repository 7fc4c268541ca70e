package cfn

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// withoutComments clears the comments of a tree, which decodeYAMLNode
// does not read.
func withoutComments(n *yaml.Node) *yaml.Node {
	if n != nil {
		n.HeadComment, n.LineComment, n.FootComment = "", "", ""
		for _, c := range n.Content {
			withoutComments(c)
		}
	}
	return n
}

// checkYAMLNode checks decodeYAMLNode on src against yaml.v3 and reports
// whether the decoder read it.
func checkYAMLNode(t *testing.T, name string, src []byte) bool {
	t.Helper()
	got, ok := decodeYAMLNode(src)
	if !ok {
		if got != nil {
			t.Fatalf("%s: decoder failed but returned a node", name)
		}
		return false
	}
	want, err := yamlNodeDoc(src)
	if err != nil {
		t.Fatalf("%s: decoder read %q, which yaml.v3 rejects: %v", name, src, err)
	}
	if d := nodeDiff("doc", got, withoutComments(want)); d != "" {
		t.Fatalf("%s: %q: %s", name, src, d)
	}
	if err := validate("t.yaml", want, 0); err != nil {
		t.Fatalf("%s: decoder read %q, which validate rejects: %v", name, src, err)
	}
	return true
}

var yamlBlockSeeds = []string{
	"a:\nb: 1\n",
	"a:   \n  # c\nb: !Ref\nc: !GetAZs ''\n",
	"a:\n- x\n- !Sub y\n-\n- - z\n-   \n",
	"a: !If\n  - c\n  - [x, !Ref y]\nb: {k: v, q: w}\n",
	"a: |\n  x\n   y\n\n  z\n\nb: |-\n  q\nc: |+\n  r\n\n\nd: 1\n",
	"a:\n  !Sub\n  x: 1\n",
	"k: 1.5\nt: true\nd: 2010-09-09\nn: ~\no: 0o17\nh: 0x1F\nu: 1_000\ny: yes\nz: .inf\nm: -1\ne: ''\n",
	"a: [\n  x,\n  y\n ]\n",
	"# c\n\n  # d\nA: 1 # e\n'B': \"x\" \n'it''s': 'a''b'\n",
	"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags:\n        - Key: a\n          Value: !Sub '${AWS::StackName}-x'\n      Name: !Join ['', [a, !Ref B, \"c\"]]\n",
	"a: !Sub\n  x\n",
	"a: b: c\n",
	"a: x\n  y\n",
	"a:\n  - x\n y: 1\n",
	"a: 'x\n  y'\n",
	"a: \"x\\ty\"\n",
	"a: >\n  x\n",
	"a: |2\n  x\n",
	"a: &x 1\nb: *x\n",
	"a: 1\na: 2\n",
	"---\na: 1\n",
	"a: [x, ]\n",
	"a: {x: }\n",
	"a: |\n\n   \n  x\n",
	"a: |\n  x\n     \n  y\n",
	"a: !!str 1\n",
	"- a\n",
	"  a: 1\n",
	"a: 1",
	"a: é\n",
	"a:\tb\n",
	"<<: {a: 1}\n",
	"a: [b: c]\n",
	"a: x #c\nb: 'y'#c\n",
	"a: [x, # c\n  y]\n",
	"? a\n: b\n",
	"a: -\n",
	"a: - b\n",
	"a:\n- b\nc:\n  - d\n  -\n    e: f\n",
}

// yamlTestdata returns the YAML files of testdata and, when
// STACKGATE_BENCH_CORPUS names a directory, of that corpus.
func yamlTestdata(t testing.TB) []string {
	var files []string
	for _, dir := range []string{"testdata", "../../testdata", os.Getenv("STACKGATE_BENCH_CORPUS")} {
		if dir == "" {
			continue
		}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".template")) {
				files = append(files, p)
			}
			return nil
		})
	}
	return files
}

func TestDecodeYAMLNode(t *testing.T) {
	read := 0
	for _, s := range yamlBlockSeeds {
		if checkYAMLNode(t, "seed", []byte(s)) {
			read++
		}
	}
	files := yamlTestdata(t)
	readFiles := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if checkYAMLNode(t, f, src) {
			readFiles++
		}
	}
	t.Logf("decoder read %d of %d seeds, %d of %d files", read, len(yamlBlockSeeds), readFiles, len(files))
}

// TestLoadYAMLPaths loads templates, valid and not, with and without the
// decoder: it must change nothing a caller sees, errors included.
func TestLoadYAMLPaths(t *testing.T) {
	for _, s := range yamlBlockSeeds {
		loadWithAndWithout(t, "t.yaml", []byte(s), &decodeYAML)
	}
	for _, f := range yamlTestdata(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		loadWithAndWithout(t, f, src, &decodeYAML)
	}
}

// FuzzYAMLNode checks the decoder against yaml.v3 on any input it reads
// (the node trees must be equal in every field but comments), and that
// Load and ParseParameterFile then give the same results with and
// without it. Seeds are yamlBlockSeeds and the YAML files of testdata.
func FuzzYAMLNode(f *testing.F) {
	for _, s := range yamlBlockSeeds {
		f.Add([]byte(s))
	}
	for _, file := range yamlTestdata(f) {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if checkYAMLNode(t, "fuzz", src) {
			loadWithAndWithout(t, "fuzz.yaml", src, &decodeYAML)
		}
	})
}

// TestDecodeYAMLNodeRandom checks the decoder against yaml.v3 on
// documents put together at random from the pieces templates are made
// of, near misses included (odd spacing, comments, indicators).
func TestDecodeYAMLNodeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	pickInt := func(xs ...int) int { return xs[rng.IntN(len(xs))] }
	good := []string{
		"x", "a b", "1", "-1", "0.5", "1e3", "true", "False", "yes", "null", "~", "2010-09-09", "0x1F", "1_000",
		"a:b", "a#b", "a #b", "http://x/y", "arn:aws:s3:::b/*", "${AWS::Region}", "-x", "?x", ":x", ".inf",
		"''", "'it''s'", "'a: b'", "'#'", "\"q\"", "\"a: b\"", "\"\"", "[x]", "{}", "[]",
		"\"a\\nb\\tc\"", "\"q\\\"x\\\\\"", "\"\\\\n\"", "\"x\\\"\"",
		"!Ref X", "!GetAtt X.Arn", "!Sub 'a-${B}'", "!GetAZs ''", "!Ref",
	}
	bad := []string{"<<", "\"x\\/y\"", "\"\\u0041\"", "\"\\x41\"", "\"x\\\"", "'", "a: b", "!!str 1", "&a x", "*a", "- x", "? x", "x:", "@x", "%x", "|2"}
	scalar := func() string {
		if rng.IntN(40) == 0 {
			return pick(bad...)
		}
		return pick(good...)
	}
	keys := []string{"A", "Key", "'q k'", "\"d\"", "a b", "1", "Fn::Sub", "x:y", "B", "C", "Type"}
	var value func(depth, indent int) string
	var block, seq func(depth, indent int) string
	// block is a block mapping of one to four keys at indent.
	block = func(depth, indent int) string {
		var b strings.Builder
		pad := strings.Repeat(" ", indent)
		for j := rng.IntN(4); j >= 0; j-- {
			b.WriteString(pad + pick(keys...) + pick(":", ":", " :") + value(depth, indent))
		}
		return b.String()
	}
	// seq is a block sequence of one to three entries at indent.
	seq = func(depth, indent int) string {
		var b strings.Builder
		pad := strings.Repeat(" ", indent)
		for j := rng.IntN(3); j >= 0; j-- {
			switch rng.IntN(3) {
			case 0:
				b.WriteString(pad + "-" + value(depth, indent))
			case 1:
				b.WriteString(pad + "- " + strings.TrimPrefix(block(depth+1, indent+2), strings.Repeat(" ", indent+2)))
			default:
				b.WriteString(pad + "- " + strings.TrimPrefix(seq(depth+1, indent+2), strings.Repeat(" ", indent+2)))
			}
		}
		return b.String()
	}
	value = func(depth, indent int) string {
		pad := strings.Repeat(" ", indent+2)
		switch n := rng.IntN(12); {
		case n < 4 || depth > 4:
			return " " + scalar() + pick("", "", "", " ", " # c", "#c") + "\n"
		case n == 4:
			return pick(" |", " |-", " |+", " !Sub |", " |", " >") + pick("", " # c") + "\n" + pick("", "", "\n", pad+" \n") +
				pad + "line 1" + pick("", "\n", "\n\n") + "\n" + pad + pick("", " ", "  ") + "line 2\n" + pick("", "\n", pad+"\n", pad+"   \n")
		case n == 5:
			return " [" + pick("", " ") + scalar() + pick(", ", ",", " , ") + pick("!Ref y", "[a, b]", "{k: v}", "'q'", "!Sub [a, {b: c}]", "") +
				pick("", "", ",\n"+pad+"z", "\n"+pad+"z", ",\n# c\n"+pad+"z") + pick("]", "]", " ]", "\n"+pad+"]", "\n]") + pick("", " #c") + "\n"
		case n == 6:
			return " {" + pick("k: v", "k: [a]", "'k': 1", "k:v", "k: ", "k: v, j: !Ref w", "\"k\":1") + "}\n"
		case n == 7:
			return pick("", " !If", " # c", " !Sub") + "\n" + pick("", "\n", "# c\n") + block(depth+1, indent+pickInt(2, 2, 4, 1))
		case n == 8:
			return pick("", " !If") + "\n" + seq(depth+1, indent+pickInt(0, 2, 2, 3))
		case n == 9:
			return pick("", " ") + "\n" + pick("", "\n", pad+"# c\n")
		}
		return " " + scalar() + "\n" + pick("", "", "", "", pad+"more\n", pad+"- more\n")
	}
	read := 0
	for i := 0; i < 30000; i++ {
		src := []byte(block(0, 0))
		if checkYAMLNode(t, fmt.Sprint("random ", i), src) {
			read++
		}
	}
	t.Logf("decoder read %d of 30000", read)
}
