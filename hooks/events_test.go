package hooks

import (
	"context"
	"strings"
	"testing"
)

const eventsTemplate = `
Parameters:
  Classification:
    Type: String
  Unused:
    Type: String
    Default: x
Conditions:
  Never: !Equals [a, b]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-${AWS::Region}-data"
      Tags:
        - Key: data-classification
          Value: !Ref Classification
  Skipped:
    Type: AWS::S3::Bucket
    Condition: Never
`

// ResourceEvents resolves what CloudFormation resolves, leaves out what
// it cannot know, and names the stack, account and region as given.
func TestResourceEvents(t *testing.T) {
	evs, err := ResourceEvents("t.yaml", []byte(eventsTemplate), EventOptions{AccountID: "111111111111", Region: "eu-west-1", StackName: "data"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1 (the resource whose condition is false is not provisioned)", len(evs))
	}
	ev := evs[0]
	props := ev.RequestData.TargetModel.ResourceProperties
	if props["BucketName"] != "data-eu-west-1-data" || ev.Operation() != OperationResource || ev.Region() != "eu-west-1" || ev.StackName() != "data" || ev.Action() != "create" {
		t.Errorf("event: %+v", ev)
	}
	if tag := props["Tags"].([]any)[0].(map[string]any); len(tag) != 1 {
		t.Errorf("the tag value without a parameter value is in the event: %v", tag)
	}
	if _, err := ResourceEvents("t.yaml", []byte(eventsTemplate), EventOptions{Params: map[string]string{"Nope": "1"}}); err == nil {
		t.Error("an undeclared parameter is accepted")
	}

	// Replayed through the handler: the tag key the environment requires
	// is named in the message (configuration, not a secret).
	evs, err = ResourceEvents("t.yaml", []byte(eventsTemplate), EventOptions{AccountID: "111111111111", Region: "eu-west-1", StackName: "data", Params: map[string]string{"Classification": "top-secret-value"}})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newTestHandler(t, Options{Offline: true})
	resp, fs := h.Evaluate(context.Background(), evs[0])
	if resp.HookStatus != StatusFailed || len(fs) == 0 {
		t.Fatalf("%s: %s (%d findings)", resp.HookStatus, resp.Message, len(fs))
	}
	if !strings.Contains(resp.Message, "data-classification tag") || strings.Contains(resp.Message, "top-secret-value") {
		t.Errorf("message: %s", resp.Message)
	}
}
