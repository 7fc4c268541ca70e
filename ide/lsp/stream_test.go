package lsp

import (
	"encoding/json"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// TestMarshalMessage: a message marshaled by itself is byte for byte what
// json.Marshal makes of it (compact, HTML and line separators escaped).
func TestMarshalMessage(t *testing.T) {
	params := &protocol.PublishDiagnosticsParams{URI: "file:///w/main.tf", Version: 3, Diagnostics: []protocol.Diagnostic{{
		Range:    protocol.Range{Start: protocol.Position{Line: 1, Character: 2}, End: protocol.Position{Line: 1, Character: 9}},
		Severity: protocol.DiagnosticSeverityError, Code: "s3-versioning", Source: "stackgate",
		Message: "Bucket <b> & \"c\" — é\u2028\u2029\ttab\x01",
	}}}
	note, err := jsonrpc2.NewNotification(protocol.MethodTextDocumentPublishDiagnostics, params)
	if err != nil {
		t.Fatal(err)
	}
	call, err := jsonrpc2.NewCall(jsonrpc2.NewNumberID(7), "workspace/configuration", map[string]any{"items": []any{map[string]any{"section": "<stackgate>"}}})
	if err != nil {
		t.Fatal(err)
	}
	ok, err := jsonrpc2.NewResponse(jsonrpc2.NewStringID("a&b"), map[string]any{"contents": "x < y"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	failed, err := jsonrpc2.NewResponse(jsonrpc2.NewNumberID(8), nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "bad <params>"))
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []jsonrpc2.Message{note, call, ok, failed} {
		want, err := json.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalMessage(msg)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%T:\n got %s\nwant %s", msg, got, want)
		}
	}
}
