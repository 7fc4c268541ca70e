package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stackgate/stackgate/hooks"
)

var (
	hookTestdata = filepath.Join("..", "..", "hooks", "testdata")
	hookConfig   = filepath.Join(hookTestdata, "stackgate.yaml")
)

func readEvent(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(hookTestdata, "events", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeResponse(t testing.TB, r result) hooks.Response {
	t.Helper()
	if r.kind != "response" {
		t.Fatalf("the runtime posted an invocation %s: %s", r.kind, r.body)
	}
	var resp hooks.Response
	dec := json.NewDecoder(strings.NewReader(string(r.body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&resp); err != nil {
		t.Fatalf("the response is not the documented shape: %v\n%s", err, r.body)
	}
	return resp
}

// The real bootstrap, driven through the Lambda Runtime API, answers
// hook events as the handler does: the configuration bundled next to it
// (the zip's stackgate.yaml, account 111111111111 is its prod
// environment), one process for every invocation.
func TestBootstrapEndToEnd(t *testing.T) {
	f := startFunction(t, hookConfig)
	tests := []struct {
		event        string
		status, code string
		failed       []string // rules whose annotation is FAILED
		contains     string
	}{
		{"resource-create-compliant", hooks.StatusSuccess, "", nil, "compliant"},
		{"resource-create-noncompliant", hooks.StatusFailed, hooks.ErrorNonCompliant, []string{"s3-encryption-kms", "s3-public-access-block"}, "RawBucket"},
		{"cloudcontrol-create", hooks.StatusFailed, hooks.ErrorNonCompliant, []string{"s3-encryption-kms"}, "AWS::S3::Bucket acme-cc-bucket"},
		{"resource-delete", hooks.StatusSuccess, "", nil, "deleted"},
	}
	for i, tc := range tests {
		t.Run(tc.event, func(t *testing.T) {
			ev := readEvent(t, tc.event)
			req, err := hooks.DecodeRequest(ev)
			if err != nil {
				t.Fatal(err)
			}
			resp := decodeResponse(t, f.invoke(t, fmt.Sprintf("req-%d", i), ev))
			if resp.HookStatus != tc.status || resp.ErrorCode != tc.code {
				t.Fatalf("%s/%s, want %s/%s: %s", resp.HookStatus, resp.ErrorCode, tc.status, tc.code, resp.Message)
			}
			if resp.ClientRequestToken != req.ClientRequestToken {
				t.Errorf("clientRequestToken %q, want %q", resp.ClientRequestToken, req.ClientRequestToken)
			}
			if !strings.Contains(resp.Message, tc.contains) {
				t.Errorf("message lacks %q: %s", tc.contains, resp.Message)
			}
			var failed []string
			for _, a := range resp.Annotations {
				if a.Status == hooks.AnnotationFailed {
					failed = append(failed, a.AnnotationName)
					if a.RemediationMessage == "" || a.SeverityLevel == "" {
						t.Errorf("annotation %s lacks remediation or severity: %+v", a.AnnotationName, a)
					}
				}
			}
			for _, r := range tc.failed {
				if !slices.Contains(failed, r) {
					t.Errorf("annotation %s is not FAILED; failed: %v", r, failed)
				}
			}
			if req.Operation() == hooks.OperationCloudControl && len(resp.Message) > hooks.MaxCloudControlMessage {
				t.Errorf("Cloud Control message is %d characters", len(resp.Message))
			}
		})
	}
	// A forged STACK event naming a non-S3 payload URL: refused, and
	// FAILED with InternalFailure, never SUCCESS.
	t.Run("stack payload refused", func(t *testing.T) {
		ev := strings.ReplaceAll(string(readEvent(t, "stack-create")), "{{PAYLOAD}}", "http://169.254.169.254/latest/meta-data/")
		resp := decodeResponse(t, f.invoke(t, "req-stack", []byte(ev)))
		if resp.HookStatus != hooks.StatusFailed || resp.ErrorCode != hooks.ErrorInternalFailure {
			t.Fatalf("%s/%s: %s", resp.HookStatus, resp.ErrorCode, resp.Message)
		}
	})
	// Every finding is a JSON log line on stderr (CloudWatch Logs).
	if logs := f.logs.String(); !strings.Contains(logs, `"msg":"stackgate finding"`) || !strings.Contains(logs, `"rule":"s3-encryption-kms"`) {
		t.Errorf("no finding in the function's log:\n%s", logs)
	}
}

// A configuration that cannot be read answers FAILED with
// InternalFailure and says why in the log: never a silent pass. The
// process stays up (Lambda would otherwise retry the init on every call).
func TestBootstrapBadConfig(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "stackgate.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nenvironments: [not, a, mapping\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		config string
		env    []string
		reason string
	}{
		{"unparsable bundled file", bad, nil, "stackgate.yaml"},
		{"missing STACKGATE_CONFIG", "", []string{"STACKGATE_CONFIG=nowhere.yaml"}, "nowhere.yaml"},
		{"S3 while offline", "", []string{"STACKGATE_CONFIG_S3=s3://bucket/stackgate.yaml"}, "STACKGATE_CONFIG_S3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := startFunction(t, tc.config, tc.env...)
			for i := range 2 {
				resp := decodeResponse(t, f.invoke(t, fmt.Sprintf("bad-%d", i), readEvent(t, "resource-create-compliant")))
				if resp.HookStatus != hooks.StatusFailed || resp.ErrorCode != hooks.ErrorInternalFailure {
					t.Fatalf("%s/%s, want FAILED/InternalFailure: %s", resp.HookStatus, resp.ErrorCode, resp.Message)
				}
				if !strings.Contains(resp.Message, tc.reason) {
					t.Errorf("message does not say why (%q): %s", tc.reason, resp.Message)
				}
			}
			deadline := time.Now().Add(2 * time.Second)
			for !strings.Contains(f.logs.String(), "could not check") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.Contains(f.logs.String(), `"level":"ERROR"`) {
				t.Errorf("the reason is not in the log:\n%s", f.logs.String())
			}
		})
	}
}
