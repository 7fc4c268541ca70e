package hooks

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/workspace"
)

var secrets = []string{
	"ghp_s3cr3tT0kenValue1234567890", "pw-Sup3rS3cretClassification",
	"Hunter2-Pa55word-NoEcho", "Old-Pa55word-NoEcho",
}

// A secret-looking value (a token in a tag value, a password property)
// appears in no message, annotation or log line, whatever the rules say.
func TestSecretsNeverShown(t *testing.T) {
	for _, cfg := range []string{"stackgate.yaml", "echo.yaml"} {
		for _, event := range []string{"secret-tag", "secret-password"} {
			t.Run(cfg+"/"+event, func(t *testing.T) {
				h, logs := newTestHandler(t, Options{ConfigFile: filepath.Join("testdata", cfg), Offline: true})
				resp := handle(t, h, loadEvent(t, event, ""))
				if resp.ErrorCode == ErrorInternalFailure {
					t.Fatalf("internal failure: %s", resp.Message)
				}
				if len(logs.lines(t)) == 0 {
					t.Fatal("nothing logged")
				}
				assertNoValue(t, resp, logs.String(), secrets...)
			})
		}
	}
	// The echo rule does report, so the scrubbing was exercised.
	h, _ := newTestHandler(t, Options{ConfigFile: filepath.Join("testdata", "echo.yaml"), Offline: true})
	resp := handle(t, h, loadEvent(t, "secret-tag", ""))
	if a, ok := annotation(resp, "test-echo-tags"); !ok || a.Status != AnnotationFailed {
		t.Errorf("echo rule did not report: %+v", resp.Annotations)
	}
	if !strings.Contains(resp.Message, "(sensitive") {
		t.Errorf("message does not mark the hidden value: %s", resp.Message)
	}
}

// Free-form strings are sensitive; closed-set values (enumerations, ports,
// CIDR blocks), booleans and numbers are not.
func TestMarkSensitive(t *testing.T) {
	r := model.Resource{Type: "AWS::EC2::SecurityGroup", Properties: map[string]any{
		"GroupDescription": "web tier",
		"SecurityGroupIngress": []any{map[string]any{
			"IpProtocol": "tcp", "FromPort": int64(443), "ToPort": "443", "CidrIp": "0.0.0.0/0", "Description": "https",
		}},
		"Tags": []any{map[string]any{"Key": "owner", "Value": "team-a"}},
	}, Change: &model.Change{Action: model.ActionUpdate, Before: map[string]any{"GroupDescription": "old"}}}
	markSensitive(&r)
	want := []string{"GroupDescription", "SecurityGroupIngress[0].Description", "Tags[0].Key", "Tags[0].Value"}
	if !slices.Equal(r.Sensitive, want) {
		t.Errorf("Sensitive = %v, want %v", r.Sensitive, want)
	}
}

// The engine redacts the values at Sensitive paths in rule messages (the
// work on policies' redaction, in progress alongside this package): the
// hook marks free-form strings sensitive and relies on it, scrubbing its
// own output besides. This test checks the engine's part, before the
// hook's scrubbing, through the workspace.
func TestEngineRedactsSensitivePaths(t *testing.T) {
	ws, err := workspace.Open(workspace.Options{ConfigFile: filepath.Join("testdata", "echo.yaml"), NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	req := loadEvent(t, "secret-tag", "")
	tg, err := resourceTarget(req, req.Operation())
	if err != nil {
		t.Fatal(err)
	}
	for i := range tg.unit.Resources {
		markSensitive(&tg.unit.Resources[i])
	}
	res, err := ws.Check(context.Background(), []scanner.Loaded{tg.unit}, workspace.CheckOptions{
		Layer: model.RuleLayerDeployment, Context: model.Context{AccountID: req.AWSAccountID}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Findings {
		if f.Rule != "test-echo-tags" {
			continue
		}
		found = true
		for _, s := range secrets {
			if strings.Contains(f.Message, s) {
				t.Errorf("the engine's message shows the sensitive value %q: %s", s, f.Message)
			}
		}
	}
	if !found {
		t.Fatal("the echo rule reported nothing")
	}
}
