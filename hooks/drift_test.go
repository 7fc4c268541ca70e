package hooks

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudcontrol"
	cctypes "github.com/aws/aws-sdk-go-v2/service/cloudcontrol/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// fakeClock is a clock the fake clients advance.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeDrift is one resource's drift as the fake CloudFormation reports it.
type fakeDrift struct {
	status cfntypes.StackResourceDriftStatus
	paths  []string
	err    error
}

// fakeCFN answers drift calls from a table; each detection advances the
// clock by perCall.
type fakeCFN struct {
	drift   map[string]fakeDrift
	clock   *fakeClock
	perCall time.Duration

	mu       sync.Mutex
	detected []string
	calls    int
}

func (f *fakeCFN) differences(d fakeDrift) []cfntypes.PropertyDifference {
	var out []cfntypes.PropertyDifference
	for _, p := range d.paths {
		out = append(out, cfntypes.PropertyDifference{
			PropertyPath:   aws.String(p),
			ExpectedValue:  aws.String("expected-secret-value"),
			ActualValue:    aws.String("actual-secret-value"),
			DifferenceType: cfntypes.DifferenceTypeNotEqual,
		})
	}
	return out
}

func (f *fakeCFN) DetectStackResourceDrift(ctx context.Context, in *cloudformation.DetectStackResourceDriftInput, _ ...func(*cloudformation.Options)) (*cloudformation.DetectStackResourceDriftOutput, error) {
	id := aws.ToString(in.LogicalResourceId)
	f.mu.Lock()
	f.detected = append(f.detected, id)
	f.calls++
	f.mu.Unlock()
	if f.clock != nil {
		f.clock.advance(f.perCall)
	}
	d, ok := f.drift[id]
	if !ok {
		d = fakeDrift{status: cfntypes.StackResourceDriftStatusInSync}
	}
	if d.err != nil {
		return nil, d.err
	}
	return &cloudformation.DetectStackResourceDriftOutput{StackResourceDrift: &cfntypes.StackResourceDrift{
		LogicalResourceId: aws.String(id), StackResourceDriftStatus: d.status, PropertyDifferences: f.differences(d),
	}}, nil
}

func (f *fakeCFN) DescribeStackResource(ctx context.Context, in *cloudformation.DescribeStackResourceInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceOutput, error) {
	id := aws.ToString(in.LogicalResourceId)
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	d, ok := f.drift[id]
	if !ok {
		d = fakeDrift{status: cfntypes.StackResourceDriftStatusInSync}
	}
	if d.err != nil {
		return nil, d.err
	}
	return &cloudformation.DescribeStackResourceOutput{StackResourceDetail: &cfntypes.StackResourceDetail{
		LogicalResourceId: aws.String(id),
		DriftInformation:  &cfntypes.StackResourceDriftInformation{StackResourceDriftStatus: d.status},
	}}, nil
}

func (f *fakeCFN) DescribeStackResourceDrifts(ctx context.Context, in *cloudformation.DescribeStackResourceDriftsInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceDriftsOutput, error) {
	out := &cloudformation.DescribeStackResourceDriftsOutput{}
	for id, d := range f.drift {
		if d.status == cfntypes.StackResourceDriftStatusModified {
			out.StackResourceDrifts = append(out.StackResourceDrifts, cfntypes.StackResourceDrift{
				LogicalResourceId: aws.String(id), StackResourceDriftStatus: d.status, PropertyDifferences: f.differences(d)})
		}
	}
	return out, nil
}

// fakeCC serves live properties.
type fakeCC struct {
	props map[string]any
	err   error
	calls int
}

func (f *fakeCC) GetResource(ctx context.Context, in *cloudcontrol.GetResourceInput, _ ...func(*cloudcontrol.Options)) (*cloudcontrol.GetResourceOutput, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	b, _ := json.Marshal(f.props)
	return &cloudcontrol.GetResourceOutput{TypeName: in.TypeName, ResourceDescription: &cctypes.ResourceDescription{
		Identifier: in.Identifier, Properties: aws.String(string(b))}}, nil
}

func TestDriftResource(t *testing.T) {
	tests := []struct {
		name    string
		drift   fakeDrift
		account string
		status  string
		code    string
		says    []string
	}{
		{"in sync", fakeDrift{status: cfntypes.StackResourceDriftStatusInSync}, "111111111111", StatusSuccess, "", nil},
		{"modified", fakeDrift{status: cfntypes.StackResourceDriftStatusModified, paths: []string{"/VersioningConfiguration/Status"}}, "111111111111",
			StatusFailed, ErrorNonCompliant, []string{"[no-drift, high] DataBucket has drifted from its code (VersioningConfiguration.Status)"}},
		{"deleted", fakeDrift{status: cfntypes.StackResourceDriftStatusDeleted}, "111111111111",
			StatusFailed, ErrorNonCompliant, []string{"DataBucket has drifted from its code (BucketEncryption and 4 more)"}},
		{"never checked, unknown warns", fakeDrift{status: cfntypes.StackResourceDriftStatusNotChecked}, "111111111111",
			StatusSuccess, "", []string{"could not be checked (CloudFormation has no recorded drift status for it (NOT_CHECKED)"}},
		{"lookup failed, unknown blocks", fakeDrift{err: errors.New("AccessDenied: not authorized to perform cloudformation:DescribeStackResource")}, "333333333333",
			StatusFailed, ErrorNonCompliant, []string{"looking up its recorded drift status failed: AccessDenied", "unknown: block"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeCFN{drift: map[string]fakeDrift{"DataBucket": tc.drift}}
			h, logs := newTestHandler(t, Options{CloudFormation: fake})
			req := loadEvent(t, "resource-update-tags-only", "")
			req.AWSAccountID = tc.account
			resp := handle(t, h, req)
			if resp.HookStatus != tc.status || resp.ErrorCode != tc.code {
				t.Fatalf("got %s/%s, want %s/%s: %s", resp.HookStatus, resp.ErrorCode, tc.status, tc.code, resp.Message)
			}
			for _, s := range tc.says {
				if !strings.Contains(resp.Message, s) {
					t.Errorf("message lacks %q: %s", s, resp.Message)
				}
			}
			assertNoValue(t, resp, logs.String(), "expected-secret-value", "actual-secret-value")
		})
	}
}

// assertNoValue fails when a value appears in the response or the logs.
func assertNoValue(t *testing.T, resp Response, logs string, values ...string) {
	t.Helper()
	b, _ := json.Marshal(resp)
	for _, v := range values {
		if strings.Contains(string(b), v) {
			t.Errorf("the response shows %q: %s", v, b)
		}
		if strings.Contains(logs, v) {
			t.Errorf("the log shows %q: %s", v, logs)
		}
	}
}

func TestDriftChangeSet(t *testing.T) {
	srv := newPayloadServer(t)
	tests := []struct {
		name   string
		drift  map[string]fakeDrift
		status string
		says   []string
	}{
		{"in sync", nil, StatusSuccess, nil},
		{"modified", map[string]fakeDrift{"Bucket3": {status: cfntypes.StackResourceDriftStatusModified, paths: []string{"/PublicAccessBlockConfiguration/BlockPublicAcls", "/Tags/0/Value"}}},
			StatusFailed, []string{"Bucket3 has drifted from its code (PublicAccessBlockConfiguration.BlockPublicAcls and 1 more)"}},
		{"deleted", map[string]fakeDrift{"Bucket1": {status: cfntypes.StackResourceDriftStatusDeleted}},
			StatusFailed, []string{"Bucket1 has drifted from its code"}},
		{"detection failed", map[string]fakeDrift{"Bucket2": {err: errors.New("Throttling: Rate exceeded")}},
			StatusSuccess, []string{"Whether Bucket2 has drifted from its code could not be checked (drift detection failed: Throttling: Rate exceeded)"}},
		{"unsupported type", map[string]fakeDrift{"Bucket2": {status: cfntypes.StackResourceDriftStatusUnknown}},
			StatusSuccess, []string{"could not be checked (drift detection could not check it (UNKNOWN))"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeCFN{drift: tc.drift}
			h, logs := newTestHandler(t, Options{CloudFormation: fake, fetch: srv.testFetch(true)})
			resp := handle(t, h, loadEvent(t, "changeset-drift", srv.url("/payloads/changeset-drift.json")))
			if resp.HookStatus != tc.status {
				t.Fatalf("got %s/%s, want %s: %s", resp.HookStatus, resp.ErrorCode, tc.status, resp.Message)
			}
			for _, s := range tc.says {
				if !strings.Contains(resp.Message, s) {
					t.Errorf("message lacks %q: %s", s, resp.Message)
				}
			}
			if len(fake.detected) != 5 {
				t.Errorf("detected %v, want the 5 updated buckets", fake.detected)
			}
			assertNoValue(t, resp, logs.String(), "expected-secret-value", "actual-secret-value")
		})
	}
}

// Detection slower than one invocation: IN_PROGRESS with a cursor, the
// next invocation goes on from it, and the last allowed one reports what
// is still unchecked as not checked.
func TestDriftChangeSetInProgress(t *testing.T) {
	srv := newPayloadServer(t)
	clock := &fakeClock{now: fixedNow}
	fake := &fakeCFN{clock: clock, perCall: 10 * time.Second, drift: map[string]fakeDrift{
		"Bucket5": {status: cfntypes.StackResourceDriftStatusModified, paths: []string{"/VersioningConfiguration/Status"}},
	}}
	tuning := &drifter{estimate: 8 * time.Second, batch: 1, budget: 30 * time.Second, margin: 6 * time.Second}
	h, _ := newTestHandler(t, Options{CloudFormation: fake, fetch: srv.testFetch(true), Now: clock.Now, drift: tuning})
	req := loadEvent(t, "changeset-drift", srv.url("/payloads/changeset-drift.json"))

	// 24 s of budget, 10 s per detection, 8 s estimate: two per call.
	var rounds int
	for {
		resp := handle(t, h, req)
		if resp.HookStatus != StatusInProgress {
			if resp.HookStatus != StatusFailed || !strings.Contains(resp.Message, "Bucket5 has drifted from its code (VersioningConfiguration.Status)") {
				t.Fatalf("final answer %s/%s: %s", resp.HookStatus, resp.ErrorCode, resp.Message)
			}
			break
		}
		rounds++
		if rounds > maxInProgress {
			t.Fatalf("more than %d IN_PROGRESS answers", maxInProgress)
		}
		if resp.CallbackDelaySeconds <= 0 || resp.CallbackContext == nil {
			t.Fatalf("IN_PROGRESS without callback: %+v", resp)
		}
		// CloudFormation hands the context back as JSON.
		b, _ := json.Marshal(resp.CallbackContext)
		var cc map[string]any
		if err := decodeJSON(b, &cc); err != nil {
			t.Fatal(err)
		}
		req.RequestContext.CallbackContext = cc
		req.RequestContext.Invocation++
	}
	if rounds != 2 {
		t.Errorf("%d IN_PROGRESS answers, want 2", rounds)
	}
	if len(fake.detected) != 5 {
		t.Errorf("detected %v, want each of the 5 once", fake.detected)
	}

	// The last allowed invocation: what is left is not checked.
	fake2 := &fakeCFN{clock: clock, perCall: 20 * time.Second}
	h2, _ := newTestHandler(t, Options{CloudFormation: fake2, fetch: srv.testFetch(true), Now: clock.Now, drift: tuning})
	req2 := loadEvent(t, "changeset-drift", srv.url("/payloads/changeset-drift.json"))
	req2.AWSAccountID = "333333333333" // unknown: block
	req2.RequestContext.CallbackContext = map[string]any{callbackKey: map[string]any{"round": int64(maxInProgress), "drift": map[string]any{}}}
	resp := handle(t, h2, req2)
	if resp.HookStatus != StatusFailed || !strings.Contains(resp.Message, "did not finish within the time CloudFormation gives a hook") {
		t.Fatalf("last call: %s/%s: %s", resp.HookStatus, resp.ErrorCode, resp.Message)
	}
}

func TestDriftCloudControl(t *testing.T) {
	live := map[string]any{
		"BucketName": "acme-cc-bucket", "Arn": "arn:aws:s3:::acme-cc-bucket",
		"BucketEncryption":               map[string]any{"ServerSideEncryptionConfiguration": []any{map[string]any{"BucketKeyEnabled": true, "ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:111111111111:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"}}}},
		"PublicAccessBlockConfiguration": map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
		"VersioningConfiguration":        map[string]any{"Status": "Enabled"},
		"Tags":                           []any{map[string]any{"Key": "data-classification", "Value": "internal"}},
	}
	modified := map[string]any{}
	for k, v := range live {
		modified[k] = v
	}
	modified["VersioningConfiguration"] = map[string]any{"Status": "Suspended"}
	tests := []struct {
		name   string
		cc     *fakeCC
		status string
		says   string
	}{
		{"in sync", &fakeCC{props: live}, StatusSuccess, ""},
		{"modified", &fakeCC{props: modified}, StatusFailed, "[no-drift, high] AWS::S3::Bucket acme-cc-bucket has drifted from its code (VersioningConfiguration.Status)"},
		{"deleted", &fakeCC{err: &cctypes.ResourceNotFoundException{Message: aws.String("not found")}}, StatusFailed, "has drifted from its code"},
		{"read failed", &fakeCC{err: errors.New("AccessDenied")}, StatusSuccess, "could not be checked (reading its live state failed: AccessDenied)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newTestHandler(t, Options{CloudControl: tc.cc})
			resp := handle(t, h, loadEvent(t, "cloudcontrol-update-tags-only", ""))
			if resp.HookStatus != tc.status || !strings.Contains(resp.Message, tc.says) {
				t.Fatalf("got %s/%s, want %s with %q: %s", resp.HookStatus, resp.ErrorCode, tc.status, tc.says, resp.Message)
			}
			if tc.cc.calls != 1 {
				t.Errorf("%d GetResource calls", tc.cc.calls)
			}
		})
	}
}

// Offline: no AWS call, drift is not checked (unknown), never drifted.
func TestDriftOffline(t *testing.T) {
	fake := &fakeCFN{drift: map[string]fakeDrift{"DataBucket": {status: cfntypes.StackResourceDriftStatusModified}}}
	cc := &fakeCC{}
	h, _ := newTestHandler(t, Options{Offline: true, CloudFormation: fake, CloudControl: cc})
	for _, event := range []string{"resource-update-tags-only", "cloudcontrol-update-tags-only"} {
		resp := handle(t, h, loadEvent(t, event, ""))
		if resp.HookStatus != StatusSuccess || !strings.Contains(resp.Message, "could not be checked (the hook runs offline") {
			t.Errorf("%s: %s/%s: %s", event, resp.HookStatus, resp.ErrorCode, resp.Message)
		}
		if strings.Contains(resp.Message, "has drifted from its code (") {
			t.Errorf("%s: offline reports drift: %s", event, resp.Message)
		}
	}
	if fake.calls != 0 || cc.calls != 0 {
		t.Errorf("offline made %d CloudFormation and %d Cloud Control calls", fake.calls, cc.calls)
	}
}

func TestModelPath(t *testing.T) {
	for in, want := range map[string]string{
		"/DelaySeconds": "DelaySeconds", "/Tags/0/Value": "Tags[0].Value",
		"/Properties/VersioningConfiguration/Status":                                                       "VersioningConfiguration.Status",
		"/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/SSEAlgorithm": "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm",
	} {
		if got := modelPath(in); got != want {
			t.Errorf("modelPath(%q) = %q, want %q", in, got, want)
		}
	}
}
