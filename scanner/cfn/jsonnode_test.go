package cfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// yamlNodeDoc parses src with yaml.v3 as the loader does: one document.
func yamlNodeDoc(src []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("more than one document (%v)", err)
	}
	return &doc, nil
}

// nodeDiff returns the first difference between two node trees in any
// field of yaml.Node, with the path to it, or "" when they are equal.
func nodeDiff(path string, a, b *yaml.Node) string {
	if a == nil || b == nil {
		if a != b {
			return fmt.Sprintf("%s: nil vs %v", path, b)
		}
		return ""
	}
	fields := []struct {
		name string
		x, y any
	}{
		{"Kind", a.Kind, b.Kind},
		{"Style", a.Style, b.Style},
		{"Tag", a.Tag, b.Tag},
		{"Value", a.Value, b.Value},
		{"Anchor", a.Anchor, b.Anchor},
		{"HeadComment", a.HeadComment, b.HeadComment},
		{"LineComment", a.LineComment, b.LineComment},
		{"FootComment", a.FootComment, b.FootComment},
		{"Line", a.Line, b.Line},
		{"Column", a.Column, b.Column},
		{"Content == nil", a.Content == nil, b.Content == nil},
		{"len(Content)", len(a.Content), len(b.Content)},
	}
	for _, f := range fields {
		if f.x != f.y {
			return fmt.Sprintf("%s: %s %#v, want %#v", path, f.name, f.x, f.y)
		}
	}
	if d := nodeDiff(path+"/alias", a.Alias, b.Alias); d != "" {
		return d
	}
	for i := range a.Content {
		if d := nodeDiff(fmt.Sprintf("%s/%d", path, i), a.Content[i], b.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// checkJSONNode checks decodeJSONNode on src against yaml.v3 and
// encoding/json and reports whether the decoder read it.
func checkJSONNode(t *testing.T, src []byte) bool {
	t.Helper()
	got, ok := decodeJSONNode(src)
	if !ok {
		if got != nil {
			t.Fatalf("decoder failed but returned a node")
		}
		return false
	}
	if !json.Valid(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))) {
		t.Fatalf("decoder read %q, which encoding/json rejects", src)
	}
	want, err := yamlNodeDoc(src)
	if err != nil {
		t.Fatalf("decoder read %q, which yaml.v3 rejects: %v", src, err)
	}
	if d := nodeDiff("doc", got, want); d != "" {
		t.Fatalf("%q: %s", src, d)
	}
	// parseNodes does not validate the decoder's trees: they must pass.
	if err := validate("t.json", want, 0); err != nil {
		t.Fatalf("decoder read %q, which validate rejects: %v", src, err)
	}
	return true
}

func TestDecodeJSONNode(t *testing.T) {
	long := strings.Repeat("abcdefghij", 300)
	var members strings.Builder
	for i := range 500 {
		fmt.Fprintf(&members, `"k%d": "v", `, i)
	}
	for _, tc := range []struct {
		name, src string
		fast      bool // decoded, not left to yaml.v3
	}{
		{"empty object", `{}`, true},
		{"empty array", `[]`, true},
		{"empty inside", `{"a": {}, "b": [], "c": [{}, []]}`, true},
		{"scalars", `{"s": "x", "i": 1, "f": 1.5, "t": true, "f2": false, "n": null}`, true},
		{"numbers", `[0, -0, 1, -1, 1.0, -1.5, 1e5, 1E5, 1e+5, 1e-5, 0.5e10, 9223372036854775807, -9223372036854775808, 18446744073709551615, 18446744073709551616, -9223372036854775809, 123456789012345678901234567890, 1.7976931348623157e308]`, true},
		{"float overflow", `[1e999]`, false},
		{"escapes", `{"e": "a\nb\tc\"d\\e\bf\fg\rh"}`, true},
		{"unicode escapes", `["\u0041\u00e9\u4e2d\uffff\u0000\u001f\u2028\u0085"]`, true},
		{"hex digits in either case", `["\u00E9\u00c9\uAbCd"]`, true},
		{"bad hex digit", `["\u00g0"]`, false},
		{"short unicode escape", `["\u12"]`, false},
		{"unknown escape", `["\x41"]`, false},
		{"escaped slash", `{"url": "http:\/\/example.com"}`, false},
		{"surrogate pair", `{"emoji": "\ud83d\ude00"}`, false},
		{"lone surrogate", `["\udc00"]`, false},
		{"non-ASCII", `{"é": "ü", "中文": ["日本語", "x"], "k": "😀 a", "after": 1}`, true},
		{"non-ASCII columns", "{\n  \"名前\": \"値\", \"next\": \"é\", \"n\": 1\n}", true},
		{"escape then non-ASCII", `{"a": "\"é\"", "b": 2}`, true},
		{"nested", `{"a": {"b": {"c": [1, [2, [3, {"d": "e"}]]]}}}`, true},
		{"pretty", "{\n  \"Resources\": {\n    \"B\": {\n      \"Type\": \"AWS::S3::Bucket\"\n    }\n  }\n}\n", true},
		{"BOM", "\ufeff{\"a\": 1}", true},
		{"BOM and lines", "\ufeff\n  {\n\"a\": [1,\n 2]}", true},
		{"CRLF", "{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    \"x\"\r\n  ]\r\n}\r\n", true},
		{"lone CR", "{\"a\": 1,\r\"b\": 2}", false},
		{"tabs inside", "{\n\t\"a\":\t1,\n\t\"b\": [\t2\t]\n}", true},
		{"tab before", "\t{}", false},
		{"tab after", "{}\n\t", false},
		{"leading and trailing space", "\n\n   {\"a\": 1}   \n\n  ", true},
		{"minified", `{"a":1,"b":[true,false,null,"x",{"c":-2.5e3}],"d":{}}`, true},
		{"long line", "{" + members.String() + `"z": 0}`, true},
		{"long value", `{"a": "` + long + `"}`, true},
		{"long key", `{"` + long + `": 1}`, false},
		{"key of 1020 bytes", `{"` + long[:1020] + `": 1}`, true},
		{"colon on next line", "{\"a\"\n: 1}", false},
		{"spaces before colon", `{"a"   : 1}`, true},
		{"duplicate keys", `{"a": 1, "a": 2}`, false},
		{"duplicate keys far apart", `{"a": 1, "b": {"a": 2}, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10, "k": 11, "l": 12, "m": 13, "n": 14, "o": 15, "p": 16, "q": 17, "a": 18}`, false},
		{"many keys", `{"a": 1, "b": {"a": 2}, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10, "k": 11, "l": 12, "m": 13, "n": 14, "o": 15, "p": 16, "q": 17, "r": 18}`, true},
		{"equal keys in sibling mappings", `[{"a": 1}, {"a": 2}]`, true},
		{"DEL in string", "[\"a\x7fb\"]", false},
		{"C1 in string", "[\"a\u0080b\"]", false},
		{"NEL in string", "[\"a\u0085b\"]", false},
		{"LS in string", "[\"a\u2028b\"]", false},
		{"U+FFFE in string", "[\"a\ufffeb\"]", false},
		{"BOM in string", "[\"a\ufeffb\"]", true},
		{"invalid UTF-8", "[\"a\xffb\"]", false},
		{"scalar document", `"a"`, false},
		{"YAML flow", `{a: 1}`, false},
		{"YAML block", "a: 1\n", false},
		{"trailing comma", `{"a": 1,}`, false},
		{"comment", "{\"a\": 1} # c", false},
		{"two documents", `{} {}`, false},
		{"leading zero", `[01]`, false},
		{"bad literal", `[tru]`, false},
		{"unterminated", `{"a": "b`, false},
		{"control in string", "[\"a\tb\"]", false},
		{"empty", ``, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if fast := checkJSONNode(t, []byte(tc.src)); fast != tc.fast {
				t.Errorf("decoded = %v, want %v", fast, tc.fast)
			}
		})
	}
}

// TestDecodeJSONNodeDeep checks that nesting past MaxDepth (nodes deeper
// than validate allows) is left to yaml.v3 and validate, and that MaxDepth
// itself is decoded.
func TestDecodeJSONNodeDeep(t *testing.T) {
	for _, tc := range []struct {
		levels int
		inner  string
		fast   bool
	}{
		{MaxDepth, "", true},
		{MaxDepth - 1, "1", true},
		{MaxDepth - 1, "[]", true},
		{MaxDepth, "1", false},
		{MaxDepth, "{}", false},
		{MaxDepth + 1, "", false},
	} {
		src := strings.Repeat("[", tc.levels) + tc.inner + strings.Repeat("]", tc.levels)
		if fast := checkJSONNode(t, []byte(src)); fast != tc.fast {
			t.Errorf("%d levels around %q: decoded = %v, want %v", tc.levels, tc.inner, fast, tc.fast)
		}
		_, err := yamlNodeDoc([]byte(src))
		if err == nil {
			doc, _ := yamlNodeDoc([]byte(src))
			err = validate("t.json", doc, 0)
		}
		if (err == nil) != tc.fast {
			t.Errorf("%d levels around %q: validate says %v", tc.levels, tc.inner, err)
		}
	}
}

// TestDecodeJSONNodeTestdata decodes every JSON file of testdata: those
// encoding/json accepts must take the decoder's path.
func TestDecodeJSONNodeTestdata(t *testing.T) {
	for _, file := range jsonTestdata(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !checkJSONNode(t, src) && json.Valid(src) {
			t.Errorf("%s: not decoded", file)
		}
	}
}

func jsonTestdata(t testing.TB) []string {
	var files []string
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// loadBoth loads src as file with and without the JSON decoder and fails
// unless the templates and errors are the same.
func loadBoth(t *testing.T, file string, src []byte) {
	t.Helper()
	loadWithAndWithout(t, file, src, &decodeJSON)
}

// loadWithAndWithout loads src as file with the decoder that *use turns
// on and without it, and fails unless the templates and errors are the
// same.
func loadWithAndWithout(t *testing.T, file string, src []byte, use *bool) {
	t.Helper()
	opts := Options{Region: "us-east-1", MaxBytes: 1 << 20}
	fast, fastErr := Load(file, src, opts)
	*use = false
	slow, slowErr := Load(file, src, opts)
	*use = true
	if fmt.Sprint(fastErr) != fmt.Sprint(slowErr) {
		t.Fatalf("%s: error %v, want %v", file, fastErr, slowErr)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%s: templates differ", file)
	}
	fp, fpErr := ParseParameterFile(file, src)
	*use = false
	sp, spErr := ParseParameterFile(file, src)
	*use = true
	if fmt.Sprint(fpErr) != fmt.Sprint(spErr) || !reflect.DeepEqual(fp, sp) {
		t.Fatalf("%s: parameters %v %v, want %v %v", file, fp, fpErr, sp, spErr)
	}
}

// TestLoadJSONPaths loads templates, valid and not, through both paths:
// the decoder must change nothing a caller sees, errors included (their
// text and positions: JSON syntax errors, duplicate keys, depth).
func TestLoadJSONPaths(t *testing.T) {
	var srcs [][]byte
	for _, file := range jsonTestdata(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	deep := `{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"X": ` +
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}}}}`
	for _, s := range []string{
		`{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`,
		"{\n  \"Resources\": {\n    \"B\": {\"Type\": \"AWS::S3::Bucket\"},\n    \"B\": {\"Type\": \"AWS::S3::Bucket\"}\n  }\n}",
		"{\n  \"Resources\": {\n    \"B\": {\"Type\": \"AWS::S3::Bucket\",}\n  }\n}",
		"{\n  \"Resources\": {\n    \"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"BucketName\": \"a\\/b\"}}\n  }\n}",
		"{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}\n{}",
		"\ufeff{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"Tags\": [{\"Key\": \"é\", \"Value\": \"\\ud83d\\ude00\"}]}}}}",
		`["not", "a", "mapping"]`,
		`[{"ParameterKey": "Env", "ParameterValue": "prod"}]`,
		`{"Parameters": {"Env": "prod", "N": 3}}`,
		`{}`,
		deep,
	} {
		srcs = append(srcs, []byte(s))
	}
	for _, src := range srcs {
		for _, file := range []string{"t.json", "t.template", "t.yaml"} {
			loadBoth(t, file, src)
		}
	}
}

// FuzzJSONNode checks the decoder against yaml.v3 on any input it reads
// (the node trees must be equal in every field, and encoding/json and
// validate must accept the text), and that Load and ParseParameterFile
// then give the same results with and without it. An input it does not
// read takes yaml.v3's path either way. Seeds are in
// testdata/fuzz/FuzzJSONNode and the JSON files of testdata.
func FuzzJSONNode(f *testing.F) {
	for _, file := range jsonTestdata(f) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !checkJSONNode(t, src) {
			return
		}
		loadBoth(t, "fuzz.json", src)
		loadBoth(t, "fuzz.yaml", src)
	})
}

// manyJSONResources returns a JSON template of n keys and n buckets, as
// manyResources in the long form of the intrinsic functions, indented
// as json.MarshalIndent writes it.
func manyJSONResources(n int) []byte {
	type obj = map[string]any
	res := obj{}
	for i := range n {
		res[fmt.Sprintf("Key%d", i)] = obj{"Type": "AWS::KMS::Key", "Properties": obj{"EnableKeyRotation": "true"}}
		res[fmt.Sprintf("Bucket%d", i)] = obj{"Type": "AWS::S3::Bucket", "Properties": obj{
			"BucketName": obj{"Fn::Sub": fmt.Sprintf("data-${Env}-%d", i)},
			"BucketEncryption": obj{"ServerSideEncryptionConfiguration": []any{obj{"ServerSideEncryptionByDefault": obj{
				"SSEAlgorithm":   obj{"Fn::If": []any{"IsProd", "aws:kms:dsse", "AES256"}},
				"KMSMasterKeyID": obj{"Fn::GetAtt": []any{fmt.Sprintf("Key%d", i), "Arn"}},
			}}}},
			"VersioningConfiguration": obj{"Status": "Enabled"},
			"Tags":                    []any{obj{"Key": "team", "Value": "data"}},
		}}
	}
	src, err := json.MarshalIndent(obj{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Parameters":               obj{"Env": obj{"Type": "String", "Default": "prod"}},
		"Conditions":               obj{"IsProd": obj{"Fn::Equals": []any{obj{"Ref": "Env"}, "prod"}}},
		"Resources":                res,
	}, "", "  ")
	if err != nil {
		panic(err)
	}
	return src
}

// BenchmarkLoadJSON loads JSON templates with the decoder and, under
// yaml, as before it (yaml.v3 and checkJSON). The generated template is
// under splitMinBytes: it is parsed whole.
func BenchmarkLoadJSON(b *testing.B) {
	network, err := os.ReadFile(filepath.Join("testdata", "network.json"))
	if err != nil {
		b.Fatal(err)
	}
	many := manyJSONResources(150)
	if len(many) >= splitMinBytes {
		b.Fatalf("generated template is %d bytes, split", len(many))
	}
	for _, bc := range []struct {
		name string
		src  []byte
	}{
		{"network", network},
		{"300-resources", many},
	} {
		for _, path := range []string{"decoder", "yaml"} {
			b.Run(bc.name+"/"+path, func(b *testing.B) {
				decodeJSON = path == "decoder"
				defer func() { decodeJSON = true }()
				b.SetBytes(int64(len(bc.src)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Load("bench.json", bc.src, Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkParseJSON compares the parse alone: the decoder against
// yaml.v3 with encoding/json's syntax check.
func BenchmarkParseJSON(b *testing.B) {
	src := manyJSONResources(150)
	b.SetBytes(int64(len(src)))
	b.Run("decoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := decodeJSONNode(src); !ok {
				b.Fatal("not decoded")
			}
		}
	})
	b.Run("yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if checkJSON("bench.json", src) != nil {
				b.Fatal("invalid")
			}
			if _, err := yamlNodeDoc(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}
