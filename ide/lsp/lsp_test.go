package lsp

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// copyTree copies dir (a fixture) to a temporary folder.
func copyTree(t testing.TB, dir string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func repoPath(parts ...string) string {
	p, _ := filepath.Abs(filepath.Join(append([]string{"..", ".."}, parts...)...))
	return p
}

func find(ds []protocol.Diagnostic, rule string) *protocol.Diagnostic {
	for i := range ds {
		if ds[i].Code == rule {
			return &ds[i]
		}
	}
	return nil
}

func sortedDesc(edits []protocol.TextEdit) []protocol.TextEdit {
	out := append([]protocol.TextEdit(nil), edits...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Range.Start, out[j].Range.Start
		return a.Line > b.Line || (a.Line == b.Line && a.Character > b.Character)
	})
	return out
}

// fixRoundTrip opens file, finds rule's diagnostic, hovers it, applies its
// quick fix as an incremental edit and checks that the diagnostic is gone.
func fixRoundTrip(t *testing.T, dir, rel, lang, rule, wantInFix string) string {
	c := startServer(t, Options{Debounce: 20 * time.Millisecond})
	c.initialize(dir)
	path := filepath.Join(dir, rel)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	uri := c.open(path, lang, string(src))
	pub := c.waitDiags(uri, 1)
	d := find(pub.Diagnostics, rule)
	if d == nil {
		t.Fatalf("no %s diagnostic in %+v", rule, pub.Diagnostics)
	}
	if d.Source != "stackgate" || d.CodeDescription == nil || !strings.HasPrefix(string(d.CodeDescription.Href), "https://") {
		t.Errorf("diagnostic fields: %+v", d)
	}

	var hov protocol.Hover
	c.call(protocol.MethodTextDocumentHover, map[string]any{"textDocument": map[string]any{"uri": uri}, "position": d.Range.Start}, &hov)
	if hov.Contents.Kind != protocol.Markdown || !strings.Contains(hov.Contents.Value, "stackgate:") || !strings.Contains(hov.Contents.Value, "**Fix:**") || !strings.Contains(hov.Contents.Value, "environment") {
		t.Errorf("hover: %q", hov.Contents.Value)
	}

	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, map[string]any{"textDocument": map[string]any{"uri": uri}, "range": d.Range, "context": map[string]any{"diagnostics": []any{d}}}, &actions)
	var fix, sup *protocol.CodeAction
	for i := range actions {
		if actions[i].Diagnostics[0].Code != rule {
			continue
		}
		if strings.HasPrefix(actions[i].Title, "Suppress") {
			sup = &actions[i]
		} else if fix == nil {
			fix = &actions[i]
		}
	}
	if fix == nil || sup == nil {
		t.Fatalf("want a fix and a suppression for %s, got %+v", rule, actions)
	}
	edits := fix.Edit.Changes[uri]
	fixed := applyEdits(string(src), edits)
	if !strings.Contains(fixed, wantInFix) {
		t.Errorf("fixed text lacks %q:\n%s", wantInFix, fixed)
	}
	c.change(uri, 2, sortedDesc(edits))
	pub = c.waitDiags(uri, 2)
	if d := find(pub.Diagnostics, rule); d != nil {
		t.Errorf("after the fix %s is still reported: %+v\n%s", rule, d, fixed)
	}

	// The suppression, applied to the original, silences the rule too.
	supText := applyEdits(string(src), sup.Edit.Changes[uri])
	c.change(uri, 3, []protocol.TextEdit{{Range: protocol.Range{Start: protocol.Position{}, End: newText([]byte(fixed)).position(len(fixed))}, NewText: supText}})
	pub = c.waitDiags(uri, 3)
	if d := find(pub.Diagnostics, rule); d == nil || d.Severity != protocol.DiagnosticSeverityHint {
		t.Errorf("after the suppression: %+v\n%s", d, supText)
	}
	return fixed
}

// TestFixRoundTrip: each mechanical quick fix, in each language, on the
// conformance fixture.
func TestFixRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, file, lang, rule, wantInFix string }{
		{"cloudformation imds", "cloudformation/template.yaml", "yaml", "ec2-imdsv2", "HttpTokens: required"},
		{"cloudformation key rotation", "cloudformation/template.yaml", "yaml", "kms-key-rotation", "EnableKeyRotation: true"},
		{"cloudformation public access", "cloudformation/template.yaml", "yaml", "s3-public-access-block", "BlockPublicPolicy: true"},
		{"terraform key rotation", "terraform-aws/main.tf", "terraform", "kms-key-rotation", "enable_key_rotation = true"},
		{"terraform imds", "terraform-aws/main.tf", "terraform", "ec2-imdsv2", `http_tokens = "required"`},
		{"terraform public access", "terraform-aws/main.tf", "terraform", "s3-public-access-block", "block_public_policy     = true"},
		{"awscc key rotation", "terraform-awscc/main.tf", "terraform", "kms-key-rotation", "enable_key_rotation = true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyTree(t, repoPath("testdata", "conformance"))
			fixRoundTrip(t, dir, tc.file, tc.lang, tc.rule, tc.wantInFix)
		})
	}
}

const bareTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: app key
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: app-bucket
      Tags:
        - Key: data-classification
          Value: internal
`

// Missing properties are inserted with the indentation of their siblings.
func TestFixInsertMissing(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "stackgate.yaml"), []byte("version: 1\ndefault_environment: dev\nenvironments:\n  dev:\n    enforcement: block\n    rules:\n      required-tags:\n        tags:\n          owner: []\n"), 0o644)
	c := startServer(t, Options{Debounce: 10 * time.Millisecond})
	c.initialize(dir)
	path := filepath.Join(dir, "app.yaml")
	uri := c.open(path, "yaml", bareTemplate)
	pub := c.waitDiags(uri, 1)
	text := bareTemplate
	version := 1
	for _, rule := range []string{"kms-key-rotation", "s3-public-access-block", "s3-versioning", "required-tags"} {
		d := find(pub.Diagnostics, rule)
		if d == nil {
			t.Fatalf("no %s in %+v", rule, pub.Diagnostics)
		}
		var actions []protocol.CodeAction
		c.call(protocol.MethodTextDocumentCodeAction, map[string]any{"textDocument": map[string]any{"uri": uri}, "range": d.Range, "context": map[string]any{"diagnostics": []any{d}}}, &actions)
		var fix *protocol.CodeAction
		for i := range actions {
			if actions[i].Diagnostics[0].Code == rule && !strings.HasPrefix(actions[i].Title, "Suppress") {
				fix = &actions[i]
				break
			}
		}
		if fix == nil {
			t.Fatalf("%s: no fix in %+v", rule, actions)
		}
		edits := fix.Edit.Changes[uri]
		text = applyEdits(text, edits)
		version++
		c.change(uri, version, sortedDesc(edits))
		pub = c.waitDiags(uri, version)
		if d2 := find(pub.Diagnostics, rule); d2 != nil && d2.Message == d.Message {
			t.Fatalf("%s still reported after %q:\n%s", rule, fix.Title, text)
		}
	}
	for _, want := range []string{"      EnableKeyRotation: true\n", "      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n", "      VersioningConfiguration:\n        Status: Enabled", "        - Key: owner\n          Value: TODO"} {
		if !strings.Contains(text, want) {
			t.Errorf("fixed template lacks %q:\n%s", want, text)
		}
	}
}

// Two quick edits: only the newest version's diagnostics are published.
func TestOnlyNewestVersionPublished(t *testing.T) {
	dir := copyTree(t, repoPath("testdata", "conformance"))
	c := startServer(t, Options{Debounce: 100 * time.Millisecond})
	c.initialize(dir)
	path := filepath.Join(dir, "cloudformation", "template.yaml")
	src, _ := os.ReadFile(path)
	uri := c.open(path, "yaml", string(src))
	c.waitDiags(uri, 1)
	at := protocol.Range{Start: protocol.Position{Line: 0}, End: protocol.Position{Line: 0}}
	c.change(uri, 2, []protocol.TextEdit{{Range: at, NewText: "# a\n"}})
	c.change(uri, 3, []protocol.TextEdit{{Range: at, NewText: "# b\n"}})
	c.waitDiags(uri, 3)
	time.Sleep(200 * time.Millisecond)
	var versions []uint32
	for _, p := range c.publications(uri) {
		versions = append(versions, p.Version)
	}
	if len(versions) != 2 || versions[0] != 1 || versions[1] != 3 {
		t.Errorf("published versions %v, want [1 3]", versions)
	}
	// Diagnostics moved with the inserted lines.
	for _, p := range c.publications(uri) {
		if p.Version == 3 {
			if d := find(p.Diagnostics, "ec2-imdsv2"); d == nil || d.Range.Start.Line != 119 {
				t.Errorf("ec2-imdsv2 after two inserted lines: %+v", d)
			}
		}
	}
}

// A buffer that does not parse: its error at its position, and the last
// findings kept, marked stale.
func TestParseErrorKeepsStaleFindings(t *testing.T) {
	dir := copyTree(t, repoPath("testdata", "conformance"))
	c := startServer(t, Options{Debounce: 10 * time.Millisecond})
	c.initialize(dir)
	path := filepath.Join(dir, "terraform-aws", "main.tf")
	src, _ := os.ReadFile(path)
	uri := c.open(path, "terraform", string(src))
	first := c.waitDiags(uri, 1)
	c.change(uri, 2, []protocol.TextEdit{{Range: protocol.Range{Start: protocol.Position{Line: 2}, End: protocol.Position{Line: 2}}, NewText: "resource \"x\" {{{\n"}})
	pub := c.waitDiags(uri, 2)
	var parse, stale int
	for _, d := range pub.Diagnostics {
		if d.Code == nil {
			parse++
			if d.Range.Start.Line != 2 {
				t.Errorf("parse error at %+v, want line 2", d.Range)
			}
		} else if strings.HasPrefix(d.Message, "(stale) ") {
			stale++
		}
	}
	if parse == 0 || stale != len(first.Diagnostics) {
		t.Errorf("parse errors %d, stale %d (of %d): %+v", parse, stale, len(first.Diagnostics), pub.Diagnostics)
	}
}

// A broken stackgate.yaml is a diagnostic on it; fixing it and telling the
// server (a watched file changed) checks the open files again.
func TestBrokenConfig(t *testing.T) {
	dir := copyTree(t, repoPath("testdata", "conformance"))
	cfg := filepath.Join(dir, "stackgate.yaml")
	good, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte("version: 1\nenvironments:\n  conformance:\n    enforcement: sometimes\n"), 0o644)
	c := startServer(t, Options{Debounce: 10 * time.Millisecond})
	c.initialize(dir)
	path := filepath.Join(dir, "terraform-aws", "main.tf")
	src, _ := os.ReadFile(path)
	uri := c.open(path, "terraform", string(src))
	pub := c.waitDiags(uri, 1)
	if len(pub.Diagnostics) != 1 || !strings.Contains(pub.Diagnostics[0].Message, "not checked") {
		t.Errorf("with a broken config: %+v", pub.Diagnostics)
	}
	cpub := c.waitDiags(pathURI(cfg), -1)
	if len(cpub.Diagnostics) == 0 || cpub.Diagnostics[0].Range.Start.Line != 3 {
		t.Errorf("config diagnostics: %+v", cpub.Diagnostics)
	}
	os.WriteFile(cfg, good, 0o644)
	n := len(c.publications(uri))
	c.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, map[string]any{"changes": []any{map[string]any{"uri": pathURI(cfg), "type": 2}}})
	deadline := time.Now().Add(20 * time.Second)
	for len(c.publications(uri)) == n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	pubs := c.publications(uri)
	last := pubs[len(pubs)-1]
	if find(last.Diagnostics, "kms-key-rotation") == nil {
		t.Errorf("after fixing the config: %+v", last.Diagnostics)
	}
	cp := c.publications(pathURI(cfg))
	if len(cp[len(cp)-1].Diagnostics) != 0 {
		t.Errorf("config diagnostics not cleared: %+v", cp[len(cp)-1])
	}
}

// Hostile input: malformed messages, unknown methods, out-of-range edits,
// a huge buffer and a cancelled request each get an answer, and the server
// keeps serving.
func TestHostileInput(t *testing.T) {
	dir := copyTree(t, repoPath("testdata", "conformance"))
	c := startServer(t, Options{Debounce: 10 * time.Millisecond})
	c.initialize(dir)

	c.raw([]byte(`{"jsonrpc":"2.0","id":1,"method":`)) // not JSON
	c.raw([]byte(`[1,2,3]`))                           // not JSON-RPC
	c.wmu.Lock()
	c.w.Write([]byte("Garbage-Header\r\n\r\n"))     // no Content-Length
	c.w.Write([]byte("Content-Length: -4\r\n\r\n")) // bad length
	c.wmu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		n := len(c.null)
		c.mu.Unlock()
		if n >= 4 || time.Now().After(deadline) {
			if n < 4 {
				t.Errorf("got %d error responses to 4 malformed messages", n)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if m := c.call("stackgate/unknown", map[string]any{}, nil); m.Error == nil || m.Error.Code != -32601 {
		t.Errorf("unknown method: %+v", m)
	}
	if m := c.call(protocol.MethodTextDocumentHover, "not an object", nil); m.Error == nil || m.Error.Code != -32602 {
		t.Errorf("invalid params: %+v", m)
	}
	c.notify("$/unknownNotification", map[string]any{})

	path := filepath.Join(dir, "cloudformation", "template.yaml")
	src, _ := os.ReadFile(path)
	uri := c.open(path, "yaml", string(src))
	c.waitDiags(uri, 1)
	c.change(uri, 2, []protocol.TextEdit{
		{Range: protocol.Range{Start: protocol.Position{Line: 100000, Character: 5}, End: protocol.Position{Line: 99999, Character: 1 << 30}}, NewText: "\n# end\n"},
		{Range: protocol.Range{Start: protocol.Position{Line: 3, Character: 1 << 31}, End: protocol.Position{Line: 3, Character: 1 << 31}}, NewText: ""},
	})
	if p := c.waitDiags(uri, 2); find(p.Diagnostics, "ec2-imdsv2") == nil {
		t.Errorf("after out-of-range edits: %+v", p.Diagnostics)
	}

	// A request cancelled at once is answered (with its result or the
	// cancellation error).
	id, ch := c.start(protocol.MethodTextDocumentCodeAction, map[string]any{"textDocument": map[string]any{"uri": uri}, "range": protocol.Range{End: protocol.Position{Line: 200}}, "context": map[string]any{"diagnostics": []any{}}})
	c.notify(protocol.MethodCancelRequest, map[string]any{"id": id})
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Error("cancelled request never answered")
	}

	big := strings.Repeat("# padding line of a huge template\n", 20<<20/34+1)
	start := time.Now()
	buri := c.open(filepath.Join(dir, "huge.yaml"), "yaml", big)
	p := c.waitDiags(buri, 1)
	if len(p.Diagnostics) != 1 || !strings.Contains(p.Diagnostics[0].Message, "larger than") {
		t.Errorf("20 MB buffer: %+v", p.Diagnostics)
	}
	t.Logf("20 MB buffer answered in %v", time.Since(start))

	var hov json.RawMessage
	if m := c.call(protocol.MethodTextDocumentHover, map[string]any{"textDocument": map[string]any{"uri": uri}, "position": protocol.Position{Line: 0}}, &hov); m.Error != nil {
		t.Errorf("server no longer serving: %+v", m.Error)
	}
	c.call(protocol.MethodShutdown, nil, nil)
	c.notify(protocol.MethodExit, nil)
	select {
	case <-c.done:
		c.done <- nil
	case <-time.After(5 * time.Second):
		t.Error("exit did not end the server")
	}
	_ = context.Background
}
