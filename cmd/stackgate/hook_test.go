package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/stackgate/stackgate/hooks"
)

func runCLIStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(repoRoot)
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHookEval(t *testing.T) {
	ev := func(name string) string { return filepath.Join("hooks", "testdata", "events", name+".json") }
	cfg := filepath.Join("hooks", "testdata", "stackgate.yaml")
	payload := filepath.Join("hooks", "testdata", "payloads", "stack-create.json")
	tests := []struct {
		name   string
		args   []string
		code   int
		status string
		errc   string
	}{
		{"compliant", []string{"--event", ev("resource-create-compliant")}, 0, hooks.StatusSuccess, ""},
		{"noncompliant", []string{"--event", ev("resource-create-noncompliant")}, 1, hooks.StatusFailed, hooks.ErrorNonCompliant},
		{"cloud control", []string{"--event", ev("cloudcontrol-create")}, 1, hooks.StatusFailed, hooks.ErrorNonCompliant},
		{"--env overrides the account's environment", []string{"--event", ev("resource-create-noncompliant"), "--env", "sandbox"}, 0, hooks.StatusSuccess, ""},
		{"stack with --payload", []string{"--event", ev("stack-create"), "--payload", payload}, 1, hooks.StatusFailed, hooks.ErrorNonCompliant},
		{"stack without a reachable payload", []string{"--event", ev("stack-create")}, 2, hooks.StatusFailed, hooks.ErrorInternalFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"hook", "eval", "--offline", "--config", cfg}, tc.args...)
			code, stdout, stderr := runCLI(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			var resp hooks.Response
			if err := json.Unmarshal([]byte(stdout), &resp); err != nil {
				t.Fatalf("stdout is not a response: %v\n%s", err, stdout)
			}
			if resp.HookStatus != tc.status || resp.ErrorCode != tc.errc {
				t.Errorf("%s/%s, want %s/%s: %s", resp.HookStatus, resp.ErrorCode, tc.status, tc.errc, resp.Message)
			}
		})
	}
	t.Run("usage", func(t *testing.T) {
		if code, _, _ := runCLI(t, "hook", "eval", "--offline"); code != 2 {
			t.Errorf("no --event: exit %d, want 2", code)
		}
		if code, _, _ := runCLI(t, "hook", "eval", "--offline", "--event", "nowhere.json"); code != 2 {
			t.Errorf("missing event: exit %d, want 2", code)
		}
	})
}

// hook events | hook eval: one response per resource, in template order,
// the exit code of the worst.
func TestHookEventsPipe(t *testing.T) {
	tpl := filepath.Join("testdata", "conformance", "cloudformation", "template.yaml")
	code, events, stderr := runCLI(t, "hook", "events", tpl, "--account", "111111111111", "--region", "eu-west-1", "--param", "SandboxKeyId=1234abcd-12ab-34cd-56ef-1234567890ab")
	if code != 0 {
		t.Fatalf("hook events: exit %d: %s", code, stderr)
	}
	var reqs []hooks.Request
	if err := json.Unmarshal([]byte(events), &reqs); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range reqs {
		ids = append(ids, r.RequestData.TargetLogicalID)
		if r.Operation() != hooks.OperationResource || r.Region() != "eu-west-1" || r.AWSAccountID != "111111111111" || r.StackName() != "template" {
			t.Errorf("%s: operation %s, region %s, account %s, stack %s", r.RequestData.TargetLogicalID, r.Operation(), r.Region(), r.AWSAccountID, r.StackName())
		}
	}
	if got := strings.Join(ids, " "); got != "DataKey LegacyKey DataBucket LogsBucket SandboxBucket WebSecurityGroup SshV6Ingress AppLaunchTemplate" {
		t.Errorf("events for %s", got)
	}
	if !strings.Contains(events, `"SSEAlgorithm": "aws:kms"`) || !strings.Contains(events, `"BucketName": "conformance-data-staging"`) {
		t.Errorf("properties are not resolved:\n%s", events)
	}

	code, stdout, stderr := runCLIStdin(t, events, "hook", "eval", "--offline", "--config", filepath.Join("testdata", "conformance", "stackgate.yaml"), "--event", "-")
	if code != 1 {
		t.Fatalf("hook eval: exit %d, want 1: %s", code, stderr)
	}
	var resps []hooks.Response
	if err := json.Unmarshal([]byte(stdout), &resps); err != nil || len(resps) != len(reqs) {
		t.Fatalf("%d responses (%v) for %d events", len(resps), err, len(reqs))
	}
	for i, r := range resps {
		want := hooks.StatusFailed
		switch ids[i] {
		case "DataKey", "DataBucket", "SandboxBucket":
			want = hooks.StatusSuccess
		}
		if r.HookStatus != want || r.ClientRequestToken != reqs[i].ClientRequestToken {
			t.Errorf("%s: %s, want %s: %s", ids[i], r.HookStatus, want, r.Message)
		}
	}

	// One file per event with --out.
	dir := t.TempDir()
	code, stdout, stderr = runCLI(t, "hook", "events", tpl, "--out", dir, "--param", "SandboxKeyId=k")
	if code != 0 {
		t.Fatalf("--out: exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != len(reqs) || !strings.Contains(stdout, "04-LogsBucket.json") {
		t.Errorf("%d files, stdout %s", len(files), stdout)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "04-LogsBucket.json"))
	if _, err := hooks.DecodeRequest(b); err != nil {
		t.Error(err)
	}

	// A parameter with no value is left out of the event.
	code, events, _ = runCLI(t, "hook", "events", tpl)
	if code != 0 || strings.Contains(events, `"SSEAlgorithm": "AES256"`) != true {
		t.Errorf("exit %d", code)
	}
	var plain []hooks.Request
	json.Unmarshal([]byte(events), &plain)
	sandbox := plain[4].RequestData.TargetModel.ResourceProperties["BucketEncryption"].(map[string]any)["ServerSideEncryptionConfiguration"].([]any)[0].(map[string]any)["ServerSideEncryptionByDefault"].(map[string]any)
	if _, ok := sandbox["SSEAlgorithm"]; ok || plain[4].RequestData.TargetLogicalID != "SandboxBucket" {
		t.Errorf("the unknown SSEAlgorithm is in the event: %v", sandbox)
	}

	for _, bad := range [][]string{{"--param", "Nope=1"}, {"--action", "replace"}} {
		if code, _, _ := runCLI(t, append([]string{"hook", "events", tpl}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

// fakeResults is a CloudFormation client answering hook results' calls.
type fakeResults struct {
	list   map[string][]cfntypes.HookResultSummary // by TargetId
	events []cfntypes.StackEvent
	detail map[string]*cloudformation.GetHookResultOutput
	calls  []string
}

func (f *fakeResults) ListHookResults(_ context.Context, in *cloudformation.ListHookResultsInput, _ ...func(*cloudformation.Options)) (*cloudformation.ListHookResultsOutput, error) {
	f.calls = append(f.calls, "ListHookResults "+string(in.TargetType)+" "+aws.ToString(in.TargetId))
	return &cloudformation.ListHookResultsOutput{HookResults: f.list[aws.ToString(in.TargetId)], TargetType: in.TargetType, TargetId: in.TargetId}, nil
}

func (f *fakeResults) GetHookResult(_ context.Context, in *cloudformation.GetHookResultInput, _ ...func(*cloudformation.Options)) (*cloudformation.GetHookResultOutput, error) {
	f.calls = append(f.calls, "GetHookResult "+aws.ToString(in.HookResultId))
	d, ok := f.detail[aws.ToString(in.HookResultId)]
	if !ok {
		return nil, errors.New("HookResultNotFound")
	}
	return d, nil
}

func (f *fakeResults) DescribeStackEvents(_ context.Context, in *cloudformation.DescribeStackEventsInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error) {
	f.calls = append(f.calls, "DescribeStackEvents "+aws.ToString(in.StackName))
	return &cloudformation.DescribeStackEventsOutput{StackEvents: f.events}, nil
}

func TestHookResults(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	failed := &cloudformation.GetHookResultOutput{
		HookResultId:     aws.String("11111111-1111-1111-1111-111111111111"),
		TypeName:         aws.String("Private::Lambda::Stackgate"),
		Status:           cfntypes.HookStatusHookCompleteFailed,
		FailureMode:      cfntypes.HookFailureModeFail,
		HookStatusReason: aws.String("stackgate: 1 blocking finding(s) in environment prod."),
		Target:           &cfntypes.HookTarget{TargetTypeName: aws.String("AWS::S3::Bucket"), TargetId: aws.String("RawBucket"), Action: cfntypes.HookTargetActionCreate},
		Annotations: []cfntypes.Annotation{
			{AnnotationName: aws.String("s3-versioning"), Status: cfntypes.AnnotationStatusPassed, StatusMessage: aws.String("Compliant."), SeverityLevel: cfntypes.AnnotationSeverityLevelMedium},
			{AnnotationName: aws.String("s3-encryption-kms"), Status: cfntypes.AnnotationStatusFailed, StatusMessage: aws.String("RawBucket is not encrypted with KMS"),
				RemediationMessage: aws.String("Set SSEAlgorithm to aws:kms"), RemediationLink: aws.String("https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"), SeverityLevel: cfntypes.AnnotationSeverityLevelHigh},
		},
	}
	warned := &cloudformation.GetHookResultOutput{
		HookResultId: aws.String("22222222-2222-2222-2222-222222222222"), Status: cfntypes.HookStatusHookCompleteFailed, FailureMode: cfntypes.HookFailureModeWarn,
		HookStatusReason: aws.String("stackgate: 1 blocking finding(s) in environment prod."),
	}
	fake := &fakeResults{
		list: map[string][]cfntypes.HookResultSummary{
			"arn:aws:cloudformation:us-east-1:111111111111:changeSet/cs/1": {{HookResultId: failed.HookResultId, TypeName: failed.TypeName, Status: failed.Status, FailureMode: failed.FailureMode, InvokedAt: &at}},
			"token-warn": {{HookResultId: warned.HookResultId, TypeName: aws.String("Private::Lambda::Stackgate"), Status: warned.Status, FailureMode: warned.FailureMode}},
		},
		events: []cfntypes.StackEvent{
			{EventId: aws.String("e3"), HookType: aws.String("Private::Lambda::Stackgate"), HookInvocationId: failed.HookResultId, HookStatus: cfntypes.HookStatusHookCompleteFailed, HookFailureMode: cfntypes.HookFailureModeFail, LogicalResourceId: aws.String("RawBucket"), ResourceType: aws.String("AWS::S3::Bucket"), Timestamp: &at},
			{EventId: aws.String("e2"), LogicalResourceId: aws.String("RawBucket"), ResourceStatus: cfntypes.ResourceStatusCreateInProgress},
			{EventId: aws.String("e1"), HookType: aws.String("Private::Lambda::Stackgate"), HookInvocationId: failed.HookResultId, HookStatus: cfntypes.HookStatusHookInProgress, LogicalResourceId: aws.String("RawBucket")},
			{EventId: aws.String("e0"), HookType: aws.String("Private::Lambda::Stackgate"), HookInvocationId: aws.String("33333333-3333-3333-3333-333333333333"), HookStatus: cfntypes.HookStatusHookCompleteSucceeded, HookFailureMode: cfntypes.HookFailureModeFail, LogicalResourceId: aws.String("DataBucket"), ResourceType: aws.String("AWS::S3::Bucket"), HookStatusReason: aws.String("stackgate: compliant (environment prod).")},
		},
		detail: map[string]*cloudformation.GetHookResultOutput{*failed.HookResultId: failed, *warned.HookResultId: warned},
	}
	orig := newHookResultsClient
	newHookResultsClient = func(context.Context, string) (hookResultsAPI, error) { return fake, nil }
	t.Cleanup(func() { newHookResultsClient = orig })

	tests := []struct {
		name  string
		args  []string
		code  int
		has   []string
		lacks []string
	}{
		{"change set", []string{"--change-set", "arn:aws:cloudformation:us-east-1:111111111111:changeSet/cs/1"}, 1,
			[]string{"HOOK_COMPLETE_FAILED (FAIL)  Private::Lambda::Stackgate  AWS::S3::Bucket RawBucket CREATE  2026-01-02T03:04:05Z",
				"stackgate: 1 blocking finding(s)", "FAILED  s3-encryption-kms [high]: RawBucket is not encrypted with KMS", "Fix: Set SSEAlgorithm to aws:kms", "See: https://docs.aws.amazon.com/AmazonS3",
				"PASSED  s3-versioning", "1 hook invocation(s), 1 failed in FAIL mode."}, nil},
		{"cloud control in WARN mode does not block", []string{"--request-token", "token-warn"}, 0,
			[]string{"HOOK_COMPLETE_FAILED (WARN)", "0 failed in FAIL mode"}, nil},
		{"stack: one block per invocation, its latest event", []string{"--stack", "data-stack"}, 1,
			[]string{"AWS::S3::Bucket RawBucket", "s3-encryption-kms", "HOOK_COMPLETE_SUCCEEDED (FAIL)", "AWS::S3::Bucket DataBucket", "(no rule results: GetHookResult: HookResultNotFound)", "2 hook invocation(s), 1 failed"},
			[]string{"HOOK_IN_PROGRESS"}},
		{"nothing found", []string{"--request-token", "none"}, 0, []string{"No hook invocation found."}, nil},
		{"two targets", []string{"--stack", "a", "--request-token", "b"}, 2, nil, nil},
		{"no target", nil, 2, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"hook", "results"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			for _, s := range tc.has {
				if !strings.Contains(stdout, s) {
					t.Errorf("output lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(stdout, s) {
					t.Errorf("output has %q:\n%s", s, stdout)
				}
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		code, stdout, _ := runCLI(t, "hook", "results", "--change-set", "arn:aws:cloudformation:us-east-1:111111111111:changeSet/cs/1", "--format", "json")
		var rs []hookResult
		if err := json.Unmarshal([]byte(stdout), &rs); err != nil || code != 1 || len(rs) != 1 || len(rs[0].Annotations) != 2 || rs[0].Annotations[1].RemediationMessage == "" {
			t.Errorf("exit %d, %v: %s", code, err, stdout)
		}
	})
	if !strings.Contains(strings.Join(fake.calls, "\n"), "ListHookResults CHANGE_SET arn:aws:cloudformation:us-east-1:111111111111:changeSet/cs/1") {
		t.Errorf("calls: %v", fake.calls)
	}
}
