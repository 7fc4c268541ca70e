package hooks

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixedNow is the tests' clock.
var fixedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// payloadServer serves the files of testdata/payloads over HTTPS on
// 127.0.0.1, with routes for the security tests.
type payloadServer struct {
	*httptest.Server
}

func newPayloadServer(t *testing.T) *payloadServer {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/payloads/", func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Base(r.URL.Path)
		b, err := os.ReadFile(filepath.Join("testdata", "payloads", name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://attacker.example.com/payload.json", http.StatusFound)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("x"), MaxPayloadBytes+1))
	})
	s := httptest.NewTLSServer(mux)
	t.Cleanup(s.Close)
	return &payloadServer{s}
}

// url is the HTTPS URL of path on the server.
func (s *payloadServer) url(path string) string { return s.URL + path }

// testFetch allows the local test server (and only it, besides S3) and
// trusts its certificate; loopback is allowed only when allowLoopback.
func (s *payloadServer) testFetch(allowLoopback bool) fetchOptions {
	host := s.Listener.Addr().String()
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	o := fetchOptions{
		allowURL: func(u *url.URL) error {
			if u.Scheme == "https" && u.Host == host {
				return nil
			}
			return allowS3URL(u)
		},
		rootCAs: pool,
	}
	if allowLoopback {
		o.checkIP = func(ip net.IP) error {
			if ip.IsLoopback() {
				return nil
			}
			return checkPublicIP(ip)
		}
	}
	return o
}

// logBuffer collects the handler's JSON log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines decodes every log line, failing the test on one that is not JSON.
func (l *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// newTestHandler is a handler on testdata/stackgate.yaml.
func newTestHandler(t *testing.T, opts Options) (*Handler, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	if opts.ConfigFile == "" && opts.ConfigData == nil {
		opts.ConfigFile = filepath.Join("testdata", "stackgate.yaml")
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	opts.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	h, err := NewHandler(opts)
	if err != nil {
		t.Fatal(err)
	}
	return h, logs
}

// loadEvent reads testdata/events/<name>.json, replacing {{PAYLOAD}} by
// payload.
func loadEvent(t *testing.T, name, payload string) Request {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.ReplaceAll(b, []byte("{{PAYLOAD}}"), []byte(payload))
	req, err := DecodeRequest(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return req
}

// handle runs one request and checks the answer's invariants.
func handle(t *testing.T, h *Handler, req Request) Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	resp, err := h.Handle(ctx, req)
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	if resp.ClientRequestToken != req.ClientRequestToken {
		t.Errorf("clientRequestToken %q, want the request's %q", resp.ClientRequestToken, req.ClientRequestToken)
	}
	if resp.HookStatus == StatusFailed && resp.ErrorCode == "" {
		t.Errorf("FAILED without an errorCode")
	}
	if limit := limitFor(req.Operation()); len(resp.Message) > limit {
		t.Errorf("message is %d bytes, over %d", len(resp.Message), limit)
	}
	// The response must be the documented JSON shape.
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for k := range m {
		switch k {
		case "hookStatus", "errorCode", "message", "clientRequestToken", "callbackContext", "callbackDelaySeconds", "annotations":
		default:
			t.Errorf("response has undocumented key %q", k)
		}
	}
	return resp
}

func annotation(resp Response, rule string) (Annotation, bool) {
	for _, a := range resp.Annotations {
		if a.AnnotationName == rule {
			return a, true
		}
	}
	return Annotation{}, false
}

func TestHandleEvents(t *testing.T) {
	srv := newPayloadServer(t)
	tests := []struct {
		event   string
		payload string // path on the payload server
		// status, errorCode and the message's first rule id ("" any).
		status, code, lead string
		// contains must all be in the message.
		contains []string
		// annotations maps rule ids to their annotation status.
		annotations map[string]string
	}{
		{event: "resource-create-compliant", status: StatusSuccess,
			annotations: map[string]string{"s3-encryption-kms": AnnotationPassed, "s3-public-access-block": AnnotationPassed, "required-tags": AnnotationPassed, "ec2-imdsv2": AnnotationSkipped, "immutable-no-in-place-update": AnnotationPassed}},
		{event: "resource-create-noncompliant", status: StatusFailed, code: ErrorNonCompliant, lead: "s3-encryption-kms",
			contains:    []string{"RawBucket", "s3-public-access-block", "Fix: Set BucketEncryption"},
			annotations: map[string]string{"s3-encryption-kms": AnnotationFailed, "s3-public-access-block": AnnotationFailed, "s3-versioning": AnnotationPassed}},
		{event: "resource-update-tags-only", status: StatusSuccess,
			annotations: map[string]string{"immutable-no-in-place-update": AnnotationPassed}},
		{event: "resource-update-in-place", status: StatusFailed, code: ErrorNonCompliant, lead: "immutable-no-in-place-update",
			contains:    []string{"DataBucket would be updated in place (LifecycleConfiguration"},
			annotations: map[string]string{"immutable-no-in-place-update": AnnotationFailed}},
		{event: "resource-delete", status: StatusSuccess, contains: []string{"deleted"}},
		{event: "resource-create-advise", status: StatusSuccess, contains: []string{"do not block", "s3-encryption-kms"},
			annotations: map[string]string{"s3-encryption-kms": AnnotationFailed}},
		{event: "stack-create", payload: "/payloads/stack-create.json", status: StatusFailed, code: ErrorNonCompliant, lead: "s3-encryption-kms",
			contains:    []string{"LogsBucket"},
			annotations: map[string]string{"s3-encryption-kms": AnnotationFailed, "kms-key-rotation": AnnotationPassed}},
		{event: "stack-update", payload: "/payloads/stack-update.json", status: StatusFailed, code: ErrorNonCompliant, lead: "immutable-no-in-place-update",
			contains: []string{"DataBucket would be updated in place (VersioningConfiguration.Status changes)"}},
		{event: "stack-delete", payload: "/payloads/stack-delete.json", status: StatusSuccess, contains: []string{"deleted"}},
		{event: "changeset-create", payload: "/payloads/changeset.json", status: StatusFailed, code: ErrorNonCompliant, lead: "immutable-no-in-place-update",
			contains:    []string{"DataBucket would be updated in place (LifecycleConfiguration"},
			annotations: map[string]string{"immutable-no-in-place-update": AnnotationFailed}},
		{event: "changeset-tags-only", payload: "/payloads/changeset-tags-only.json", status: StatusSuccess,
			annotations: map[string]string{"immutable-no-in-place-update": AnnotationPassed}},
		{event: "cloudcontrol-create", status: StatusFailed, code: ErrorNonCompliant, lead: "s3-encryption-kms",
			contains: []string{"AWS::S3::Bucket acme-cc-bucket"}},
		{event: "cloudcontrol-update", status: StatusFailed, code: ErrorNonCompliant, lead: "immutable-no-in-place-update",
			contains: []string{"AWS::S3::Bucket acme-cc-bucket would be updated in place (VersioningConfiguration.Status changes)"}},
		{event: "cloudcontrol-delete", status: StatusSuccess},
	}
	h, _ := newTestHandler(t, Options{Offline: true, fetch: srv.testFetch(true)})
	for _, tc := range tests {
		t.Run(tc.event, func(t *testing.T) {
			req := loadEvent(t, tc.event, srv.url(tc.payload))
			resp := handle(t, h, req)
			if resp.HookStatus != tc.status || resp.ErrorCode != tc.code {
				t.Fatalf("got %s/%s, want %s/%s; message: %s", resp.HookStatus, resp.ErrorCode, tc.status, tc.code, resp.Message)
			}
			if tc.lead != "" {
				if i := strings.Index(resp.Message, "["); i < 0 || !strings.HasPrefix(resp.Message[i+1:], tc.lead+",") {
					t.Errorf("message does not lead with %s: %s", tc.lead, resp.Message)
				}
			}
			for _, s := range tc.contains {
				if !strings.Contains(resp.Message, s) {
					t.Errorf("message lacks %q: %s", s, resp.Message)
				}
			}
			for rule, want := range tc.annotations {
				a, ok := annotation(resp, rule)
				if !ok {
					t.Errorf("no annotation for %s; have %+v", rule, resp.Annotations)
					continue
				}
				if a.Status != want {
					t.Errorf("annotation %s is %s (%s), want %s", rule, a.Status, a.StatusMessage, want)
				}
				if a.SeverityLevel == "" || a.SeverityLevel == "INFORMATIONAL" {
					t.Errorf("annotation %s has severity level %q", rule, a.SeverityLevel)
				}
				if a.RemediationMessage == "" {
					t.Errorf("annotation %s has no remediation", rule)
				}
			}
		})
	}
}

// Cloud Control messages fit 1,024 characters, CloudFormation's 4,096, and
// lead with the most important finding.
func TestMessageLimit(t *testing.T) {
	h, _ := newTestHandler(t, Options{Offline: true})
	for _, name := range []string{"resource-many-findings", "cloudcontrol-many-findings"} {
		req := loadEvent(t, name, "")
		resp := handle(t, h, req)
		if resp.HookStatus != StatusFailed || resp.ErrorCode != ErrorNonCompliant {
			t.Fatalf("%s: got %s/%s: %s", name, resp.HookStatus, resp.ErrorCode, resp.Message)
		}
		if !strings.Contains(resp.Message, "more") {
			t.Errorf("%s: message does not summarise the rest: %s", name, resp.Message)
		}
		limit := limitFor(req.Operation())
		if len(resp.Message) > limit {
			t.Errorf("%s: %d bytes over %d", name, len(resp.Message), limit)
		}
	}
}

func TestFindingsMessage(t *testing.T) {
	if got := truncate("héllo wörld", 5); got != "h..." && got != "hé..." {
		t.Errorf("truncate cut a character: %q", got)
	}
	long := strings.Repeat("x", 5000)
	if got := truncate(long, MaxCloudControlMessage); len(got) != MaxCloudControlMessage {
		t.Errorf("truncate to %d gave %d", MaxCloudControlMessage, len(got))
	}
}

func TestOperation(t *testing.T) {
	tests := []struct {
		stackID, targetName, targetType, want string
	}{
		{"arn:aws:cloudformation:us-east-1:1:stack/s/x", "AWS::S3::Bucket", "AWS::S3::Bucket", OperationResource},
		{"", "AWS::S3::Bucket", "RESOURCE", OperationCloudControl},
		{"", "AWS::S3::Bucket", "AWS::S3::Bucket", OperationCloudControl},
		{"arn:aws:cloudformation:us-east-1:1:stack/s/x", "AWS::S3::Bucket", "CLOUD_CONTROL", OperationCloudControl},
		{"arn:aws:cloudformation:us-east-1:1:stack/s/x", "STACK", "STACK", OperationStack},
		{"arn:aws:cloudformation:us-east-1:1:stack/s/x", "CHANGE_SET", "CHANGE_SET", OperationChangeSet},
	}
	for _, tc := range tests {
		r := Request{StackID: tc.stackID, RequestData: RequestData{TargetName: tc.targetName, TargetType: tc.targetType}}
		if got := r.Operation(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc, got, tc.want)
		}
	}
	r := Request{StackID: "arn:aws-us-gov:cloudformation:us-gov-west-1:111111111111:stack/data-stack/abc"}
	if r.Region() != "us-gov-west-1" || r.StackName() != "data-stack" {
		t.Errorf("region %q, stack %q", r.Region(), r.StackName())
	}
}

// Internal errors are FAILED with InternalFailure and a reason, logged
// with the request token; never SUCCESS.
func TestInternalFailure(t *testing.T) {
	t.Run("config unreadable", func(t *testing.T) {
		h, logs := newTestHandler(t, Options{ConfigFile: filepath.Join("testdata", "no-such-config.yaml"), Offline: true})
		req := loadEvent(t, "resource-create-compliant", "")
		resp := handle(t, h, req)
		if resp.HookStatus != StatusFailed || resp.ErrorCode != ErrorInternalFailure {
			t.Fatalf("got %s/%s", resp.HookStatus, resp.ErrorCode)
		}
		if !strings.Contains(logs.String(), req.ClientRequestToken) || !strings.Contains(logs.String(), "no-such-config.yaml") {
			t.Errorf("log lacks the token or the reason: %s", logs.String())
		}
	})
	t.Run("config invalid", func(t *testing.T) {
		h, _ := newTestHandler(t, Options{ConfigData: []byte("version: 1\nenvironments: {prod: {enforcement: sometimes}}\n"), Offline: true})
		resp := handle(t, h, loadEvent(t, "resource-create-compliant", ""))
		if resp.HookStatus != StatusFailed || resp.ErrorCode != ErrorInternalFailure {
			t.Fatalf("got %s/%s", resp.HookStatus, resp.ErrorCode)
		}
	})
	t.Run("unknown invocation point", func(t *testing.T) {
		h, _ := newTestHandler(t, Options{Offline: true})
		req := loadEvent(t, "resource-create-compliant", "")
		req.ActionInvocationPoint = "CREATE_POST_PROVISION"
		resp := handle(t, h, req)
		if resp.HookStatus != StatusFailed || resp.ErrorCode != ErrorInternalFailure {
			t.Fatalf("got %s/%s", resp.HookStatus, resp.ErrorCode)
		}
	})
	t.Run("template does not parse", func(t *testing.T) {
		srv := newPayloadServer(t)
		h, _ := newTestHandler(t, Options{Offline: true, fetch: srv.testFetch(true)})
		resp := handle(t, h, loadEvent(t, "stack-create", srv.url("/payloads/stack-broken.json")))
		if resp.HookStatus != StatusFailed || resp.ErrorCode != ErrorInternalFailure {
			t.Fatalf("got %s/%s: %s", resp.HookStatus, resp.ErrorCode, resp.Message)
		}
	})
}

// Every refusal to fetch a payload is InternalFailure with its reason.
func TestPayloadSecurity(t *testing.T) {
	srv := newPayloadServer(t)
	tests := []struct {
		name    string
		url     string
		fetch   fetchOptions
		because string
	}{
		{"non-S3 host", "https://example.com/payload.json", srv.testFetch(true), "not an S3 endpoint"},
		{"look-alike host", "https://s3.us-east-1.amazonaws.com.attacker.example/p", srv.testFetch(true), "not an S3 endpoint"},
		{"plain HTTP", "http://hook-payloads.s3.us-east-1.amazonaws.com/p.json", srv.testFetch(true), "not https"},
		{"other port", "https://hook-payloads.s3.us-east-1.amazonaws.com:8443/p.json", srv.testFetch(true), "port"},
		{"loopback address", srv.url("/payloads/stack-create.json"), srv.testFetch(false), "loopback"},
		{"redirect elsewhere", srv.url("/redirect"), srv.testFetch(true), "redirect refused"},
		{"oversize payload", srv.url("/huge"), srv.testFetch(true), "limit"},
		{"production default refuses the test server", srv.url("/payloads/stack-create.json"), fetchOptions{}, "payload URL refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, logs := newTestHandler(t, Options{Offline: true, fetch: tc.fetch})
			resp := handle(t, h, loadEvent(t, "stack-create", tc.url))
			if resp.HookStatus != StatusFailed || resp.ErrorCode != ErrorInternalFailure {
				t.Fatalf("got %s/%s: %s", resp.HookStatus, resp.ErrorCode, resp.Message)
			}
			if !strings.Contains(resp.Message, tc.because) {
				t.Errorf("message does not say %q: %s", tc.because, resp.Message)
			}
			if strings.Contains(resp.Message, "X-Amz-Signature") || strings.Contains(logs.String(), "X-Amz-Signature") {
				t.Errorf("the presigned query leaked")
			}
		})
	}
}

func TestCheckPublicIP(t *testing.T) {
	for _, s := range []string{"127.0.0.1", "::1", "169.254.169.254", "fe80::1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "fd00::1", "0.0.0.0", "::", "100.100.100.200", "::ffff:127.0.0.1"} {
		if checkPublicIP(net.ParseIP(s)) == nil {
			t.Errorf("%s allowed", s)
		}
	}
	for _, s := range []string{"52.216.8.1", "2600:1f18::1"} {
		if err := checkPublicIP(net.ParseIP(s)); err != nil {
			t.Errorf("%s refused: %v", s, err)
		}
	}
}

func TestIsS3Host(t *testing.T) {
	good := []string{
		"s3.amazonaws.com", "bucket.s3.amazonaws.com", "s3.us-east-1.amazonaws.com",
		"hook-payloads.s3.us-east-1.amazonaws.com", "s3-us-west-2.amazonaws.com", "b.s3-eu-west-1.amazonaws.com",
		"s3.dualstack.us-east-1.amazonaws.com", "s3-fips.us-gov-west-1.amazonaws.com", "b.s3.cn-north-1.amazonaws.com.cn",
		"s3.us-iso-east-1.c2s.ic.gov", "s3.us-isob-east-1.sc2s.sgov.gov", "s3-external-1.amazonaws.com",
	}
	bad := []string{
		"amazonaws.com", "s3.amazonaws.com.evil.com", "example.com", "s3-1234.us-east-1.elb.amazonaws.com",
		"bucket.s3-website-us-east-1.amazonaws.com", "abc.execute-api.us-east-1.amazonaws.com",
		"s3.evil.amazonaws.com", "169.254.169.254", "localhost",
	}
	for _, h := range good {
		if !isS3Host(h) {
			t.Errorf("%s refused", h)
		}
	}
	for _, h := range bad {
		if isS3Host(h) {
			t.Errorf("%s allowed", h)
		}
	}
}

var _ = errors.New
