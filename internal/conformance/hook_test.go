package conformance

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/hooks"
	"github.com/stackgate/stackgate/policies/model"
)

// The hook form: the RESOURCE events CloudFormation would send for each
// resource of the CloudFormation form (stackgate hook events), each
// answered by the deployment hook's handler, offline, in the fixture's
// environment. The verdict is expected.yaml with exactly the differences
// README.md documents:
//
//   - the inline suppression of s3-versioning on LogsBucket is a comment
//     in template.yaml, which a hook event does not carry: at deployment
//     the finding is a failure, not waived;
//   - SandboxKeyId has no value in the template, so the other forms leave
//     SandboxBucket's encryption unknown; at deployment the parameter has
//     a value (here sandboxKeyID, through --param), which makes the
//     algorithm aws:kms and the finding goes (the rule passes).
const (
	hookAccount  = "111111111111"
	sandboxKeyID = "1234abcd-12ab-34cd-56ef-1234567890ab"
)

var (
	// hookOnly are the findings only the hook form has; notInHook those
	// of expected.yaml it does not have.
	hookOnly  = []string{"s3-versioning logs-bucket fail"}
	notInHook = []string{"s3-versioning logs-bucket waived", "s3-encryption-kms sandbox-bucket unknown"}
	// hookParams are the parameter values given at deployment.
	hookParams = map[string]map[string]string{"template.yaml": {"SandboxKeyId": sandboxKeyID}}
)

func TestHookEventsSameVerdict(t *testing.T) {
	var names map[string][]string
	readYAML(t, "names.yaml", &names)
	var expected [][3]string
	readYAML(t, "expected.yaml", &expected)
	var want []string
	for _, e := range expected {
		k := e[0] + " " + e[1] + " " + e[2]
		if !slices.Contains(notInHook, k) {
			want = append(want, k)
		}
	}
	if n := len(expected) - len(want); n != len(notInHook) {
		t.Fatalf("expected.yaml has %d of the %d findings the hook form documents as different: update README.md and this test together", n, len(notInHook))
	}
	want = append(want, hookOnly...)
	slices.Sort(want)
	key := map[string]string{}
	for k, cols := range names {
		key[cols[formCloudFormation]] = k
	}

	h, err := hooks.NewHandler(hooks.Options{
		ConfigFile: filepath.Join(fixture, "stackgate.yaml"),
		Offline:    true,
		Logger:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	var regions map[string]string
	readYAML(t, filepath.Join("cloudformation", "deploy.yaml"), &regions)
	var got []string
	for _, name := range slices.Sorted(maps.Keys(regions)) {
		file := filepath.Join(fixture, "cloudformation", name)
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		events, err := hooks.ResourceEvents(file, src, hooks.EventOptions{
			Params: hookParams[name], AccountID: hookAccount, Region: regions[name], StackName: "conformance-" + name[:len(name)-len(filepath.Ext(name))],
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			resp, fs := h.Evaluate(context.Background(), ev)
			if resp.HookStatus == hooks.StatusFailed && resp.ErrorCode != hooks.ErrorNonCompliant {
				t.Fatalf("%s: %s %s: %s", ev.RequestData.TargetLogicalID, resp.HookStatus, resp.ErrorCode, resp.Message)
			}
			blocking := false
			for _, f := range fs {
				k, ok := key[f.Resource]
				if !ok {
					k = "unnamed:" + f.Resource
				}
				got = append(got, f.Rule+" "+k+" "+status(f))
				blocking = blocking || f.Blocking
				if f.Status == model.StatusUnknown && f.UnknownReason == "" {
					t.Errorf("%s %s: unknown without a reason: %s", f.Rule, f.Resource, f.Message)
				}
				// The response says the same as the findings: every
				// failing rule has a FAILED annotation.
				if f.Status == model.StatusFail && f.Waived == nil && annotationStatus(resp, f.Rule) != hooks.AnnotationFailed {
					t.Errorf("%s %s fails, but its annotation is %q", f.Rule, f.Resource, annotationStatus(resp, f.Rule))
				}
			}
			if wantStatus := map[bool]string{true: hooks.StatusFailed, false: hooks.StatusSuccess}[blocking]; resp.HookStatus != wantStatus {
				t.Errorf("%s: hookStatus %s, want %s (blocking finding: %v)", ev.RequestData.TargetLogicalID, resp.HookStatus, wantStatus, blocking)
			}
		}
	}
	slices.Sort(got)
	got = slices.Compact(got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(rule, resource, status) findings of the hook form differ from expected.yaml with the documented differences (-want +got):\n%s", d)
	}
}

func annotationStatus(resp hooks.Response, rule string) string {
	for _, a := range resp.Annotations {
		if a.AnnotationName == rule {
			return a.Status
		}
	}
	return ""
}
